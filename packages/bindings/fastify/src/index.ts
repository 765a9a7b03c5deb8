export { type FastifyIdempotencyOptions, idempotency } from './plugin.js';
