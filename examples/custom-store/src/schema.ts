import { InvalidArgumentError } from '@oncely/core';
import type { Pool } from 'mysql2/promise';

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The table name, checked and quoted: it is spliced into SQL, so only plain identifiers pass. */
export function quoteTableName(table: string): string {
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    throw new InvalidArgumentError(
      'table',
      `expected a plain identifier (letters, digits, _; at most 64), got ${JSON.stringify(table)}`,
    );
  }
  return `\`${table}\``;
}

/**
 * One row per key. Text that must compare exactly (key, fingerprint, token) is stored as
 * bytes: MariaDB's text collations ignore case and trailing spaces, and an index cannot hold
 * a key of several kilobytes, so the primary key is the SHA-256 of the key's UTF-16 code units
 * (`record_key` holds those bytes, for people reading the table).
 * Times are milliseconds on the server's clock, so no driver or time zone converts them.
 */
export function createTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteTableName(table)} (
  key_hash    BINARY(32)    NOT NULL,
  record_key  BLOB          NOT NULL,
  state       ENUM('in_progress', 'completed', 'released') NOT NULL,
  fingerprint BLOB          NOT NULL,
  owner_token VARBINARY(255) NOT NULL,
  fence       BIGINT        NOT NULL,
  lease_until BIGINT        NOT NULL,
  expires_at  BIGINT        NOT NULL,
  result      LONGBLOB      NULL,
  revision    BIGINT        NOT NULL DEFAULT 0,
  PRIMARY KEY (key_hash),
  KEY by_expiry (expires_at)
) ENGINE = InnoDB`;
}

/** Creates the table if it is missing. Run it from your migrations, or once at start-up. */
export async function createRecordsTable(pool: Pool, table = 'oncely_records'): Promise<void> {
  await pool.query(createTableSql(table));
}
