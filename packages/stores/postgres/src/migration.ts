import { resolveNames } from './names.js';
import { migrationSql as sqlFor } from './schema.js';

/**
 * The SQL that creates the store's sequence, table and index, for users who run their own
 * migrations (the same statements `store.migrate()` runs). The schema must exist.
 */
export function migrationSql(options: { schema?: string; table?: string } = {}): string {
  return sqlFor(resolveNames(options.schema, options.table));
}
