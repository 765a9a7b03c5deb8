export { MemoryStore } from '../../../stores/memory/src/index.js';
