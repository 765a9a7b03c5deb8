import {
  type ConfigurableModuleAsyncOptions,
  ConfigurableModuleBuilder,
  Module,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './interceptor.js';
import { type NestIdempotencyOptions, ONCELY_OPTIONS } from './options.js';

/** `forRootAsync`'s: `{ imports, inject, useFactory }` (the store from a provider), or `useClass`. */
export type OncelyModuleAsyncOptions = ConfigurableModuleAsyncOptions<NestIdempotencyOptions>;

// `forRoot(options)` and `forRootAsync(...)`, made as Nest makes its own modules' (global).
const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<NestIdempotencyOptions>({
  optionsInjectionToken: ONCELY_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({}, (definition) => ({ ...definition, global: true }))
  .build();

/**
 * Idempotency keys for a Nest app: import it once, in the root module. It installs
 * `IdempotencyInterceptor` for every route; `@Idempotent()` and `routes` decide which handlers
 * use keys.
 */
@Module({
  providers: [
    IdempotencyInterceptor,
    { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
  ],
  exports: [ONCELY_OPTIONS, IdempotencyInterceptor],
})
export class OncelyModule extends ConfigurableModuleClass {}
