export { migrationSql } from './migration.js';
export type { PgPool, PgPoolClient, PgQueryable, PgQueryResult } from './pg-types.js';
export {
  DEFAULT_MAX_RESULT_BYTES,
  PostgresStore,
  type PostgresStoreOptions,
  type PurgeOptions,
} from './store.js';
export {
  type IsolationLevel,
  runTransactional,
  type TransactionalHandler,
  type TransactionalRunOptions,
} from './transactional.js';
