export { idempotencyAttempt } from './attempt.js';
export type { KoaContextLike } from './context.js';
export {
  type IdempotencyMiddleware,
  idempotency,
  type KoaIdempotencyOptions,
} from './middleware.js';
