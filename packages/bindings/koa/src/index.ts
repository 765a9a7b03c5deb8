export type { KoaContextLike } from './context.js';
export {
  type IdempotencyMiddleware,
  idempotency,
  type KoaIdempotencyOptions,
} from './middleware.js';
