export { idempotencyAttempt } from './attempt.js';
export {
  type ExpressIdempotencyOptions,
  type IdempotencyMiddleware,
  idempotency,
} from './middleware.js';
export type { ExpressRequestLike } from './request.js';
