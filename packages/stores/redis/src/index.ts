export type { RedisClient } from './client.js';
export { DEFAULT_MAX_RESULT_BYTES, type RedisStoreOptions } from './options.js';
export { RedisStore } from './redis-store.js';
