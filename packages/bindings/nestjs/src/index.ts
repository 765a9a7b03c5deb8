export { IdempotencyAttempt, Idempotent, idempotencyAttempt } from './decorators.js';
export { IdempotencyException } from './exception.js';
export { IdempotencyInterceptor } from './interceptor.js';
export { OncelyModule, type OncelyModuleAsyncOptions } from './module.js';
export type { IdempotentSetting, NestIdempotencyOptions, NestRequest } from './options.js';
export { ONCELY_OPTIONS } from './options.js';
