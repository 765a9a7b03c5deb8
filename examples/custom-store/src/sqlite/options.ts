import { InvalidArgumentError } from '@oncely/core';
import type { Database } from 'better-sqlite3';
import { quoteTableName } from '../schema.js';

export interface SqliteStoreOptions {
  /** A better-sqlite3 `Database` (12.x). The store runs statements on it and never closes it. */
  database: Database;
  /** The table `createSqliteRecordsTable` made. Default `oncely_records`. */
  table?: string;
  /** The largest result `complete` accepts. Default 4 MiB. */
  maxResultBytes?: number;
}

export interface ResolvedSqliteOptions {
  database: Database;
  /** Checked and quoted, ready to splice into SQL. */
  table: string;
  maxResultBytes: number;
}

const DEFAULT_MAX_RESULT_BYTES = 4 * 1024 * 1024;
// SQLite's default SQLITE_MAX_LENGTH is 1e9 bytes per value.
const LARGEST_MAX_RESULT_BYTES = 512 * 1024 * 1024;

function isDatabase(database: unknown): database is Database {
  const candidate = database as Record<string, unknown> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.prepare === 'function' &&
    typeof candidate.transaction === 'function'
  );
}

export function resolveSqliteOptions(options: SqliteStoreOptions): ResolvedSqliteOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'expected { database, table?, maxResultBytes? }');
  }
  if (!isDatabase(options.database)) {
    throw new InvalidArgumentError('database', "expected a Database from 'better-sqlite3'");
  }
  if (!options.database.open) {
    throw new InvalidArgumentError('database', 'the database is closed');
  }
  const maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  if (
    !Number.isSafeInteger(maxResultBytes) ||
    maxResultBytes < 1 ||
    maxResultBytes > LARGEST_MAX_RESULT_BYTES
  ) {
    throw new InvalidArgumentError(
      'maxResultBytes',
      `expected a whole number from 1 to ${LARGEST_MAX_RESULT_BYTES}, got ${String(maxResultBytes)}`,
    );
  }
  return {
    database: options.database,
    table: quoteTableName(options.table ?? 'oncely_records'),
    maxResultBytes,
  };
}
