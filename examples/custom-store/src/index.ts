export { MariaDbStore } from './mariadb-store.js';
export type { MariaDbStoreOptions } from './options.js';
export { createRecordsTable, createTableSql } from './schema.js';
