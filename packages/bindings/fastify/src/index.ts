export { type FastifyIdempotencyOptions, idempotency, idempotencyAttempt } from './plugin.js';
