export type { Backoff } from './backoff.js';
export type { BodySource, FetchBody } from './body.js';
export {
  createClient,
  type IdempotentClient,
  type IdempotentRequestInit,
} from './client.js';
export {
  AttemptTimeoutError,
  DeadlineError,
  type GaveUpReason,
  IdempotencyProblemError,
  type Problem,
  RetriesExhaustedError,
} from './errors.js';
export { newKey } from './key.js';
export type { AttemptEvent, ClientOptions, ResolvedOptions } from './options.js';
export { type IdempotencyInfo, type IdempotentResponse, isReplay } from './response.js';
export { parseRetryAfter } from './retry-after.js';
