export { MemoryStore, type MemoryStoreStats } from './memory-store.js';
export type { MemoryStoreOptions } from './options.js';
