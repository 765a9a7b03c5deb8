export { MariaDbStore } from './mariadb-store.js';
export type { MariaDbStoreOptions } from './options.js';
export { createRecordsTable, createTableSql } from './schema.js';
export type { SqliteStoreOptions } from './sqlite/options.js';
export { createSqliteRecordsTable, createSqliteTableSql } from './sqlite/schema.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
