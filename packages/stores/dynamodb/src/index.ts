export { ATTRIBUTE } from './attributes.js';
export type { CreateTableOptions } from './create-table.js';
export { GUARANTEED_RESULT_BYTES, MAX_ITEM_BYTES } from './item-size.js';
export type { DynamoDBStoreOptions } from './options.js';
export { DynamoDBStore } from './store.js';
