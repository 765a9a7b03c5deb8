import type { Database } from 'better-sqlite3';
import { quoteTableName } from '../schema.js';

/**
 * One row per key. The key and the fingerprint are stored as their UTF-16 code units
 * (`Buffer.from(text, 'utf16le')`): that is every JavaScript string as it is, lone surrogates
 * included, where a TEXT column would hold UTF-8 and turn each lone surrogate into U+FFFD.
 * BLOBs compare byte for byte. Times are milliseconds on SQLite's clock (`NOW_MS`).
 */
export function createSqliteTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteTableName(table)} (
  record_key  BLOB    NOT NULL PRIMARY KEY,
  state       TEXT    NOT NULL CHECK (state IN ('in_progress', 'completed', 'released')),
  fingerprint BLOB    NOT NULL,
  owner_token TEXT    NOT NULL,
  fence       INTEGER NOT NULL,
  lease_until INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  result      BLOB
) WITHOUT ROWID`;
}

/**
 * Creates the table if it is missing, and turns on write-ahead logging: readers then never
 * block the one writer SQLite allows at a time, and the setting stays with the file.
 */
export function createSqliteRecordsTable(database: Database, table = 'oncely_records'): void {
  database.pragma('journal_mode = WAL');
  database.exec(createSqliteTableSql(table));
}
