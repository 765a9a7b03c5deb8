import type { Database, Statement } from 'better-sqlite3';
import { NOW_MS } from './clock.js';
import { RECORD_COLUMNS } from './record.js';

/**
 * Every statement the store runs, prepared once per store. Each owner operation is one UPDATE
 * whose WHERE is the compare-and-set: this key, this owner's token and fence, a state the
 * operation applies to, and a record not yet expired. SQLite counts the rows an UPDATE
 * matched, so a repeated complete still reports one.
 */
export interface Statements {
  take: Statement;
  record: Statement;
  live: Statement;
  complete: Statement;
  release: Statement;
  extend: Statement;
  delete: Statement;
}

export function prepareStatements(database: Database, table: string): Statements {
  const owned = `record_key = @key AND owner_token = @token AND fence = @fence AND expires_at > ${NOW_MS}`;
  return {
    /**
     * Takes the key when it is absent, expired, released, or in progress with a lapsed lease
     * and the same fingerprint; one changed row means this acquire won.
     */
    take: database.prepare(
      `INSERT INTO ${table}
         (record_key, state, fingerprint, owner_token, fence, lease_until, expires_at, result)
       VALUES (@key, 'in_progress', @fingerprint, @token, 1,
               ${NOW_MS} + @leaseMs, ${NOW_MS} + @retainMs, NULL)
       ON CONFLICT (record_key) DO UPDATE SET
         state = 'in_progress', fingerprint = excluded.fingerprint,
         owner_token = excluded.owner_token, fence = fence + 1,
         lease_until = excluded.lease_until, expires_at = excluded.expires_at, result = NULL
       WHERE expires_at <= ${NOW_MS}
          OR state = 'released'
          OR (state = 'in_progress' AND lease_until <= ${NOW_MS}
              AND fingerprint = excluded.fingerprint)`,
    ),
    record: database.prepare(`SELECT ${RECORD_COLUMNS} FROM ${table} WHERE record_key = ?`),
    live: database.prepare(
      `SELECT ${RECORD_COLUMNS} FROM ${table}
       WHERE record_key = ? AND state <> 'released' AND expires_at > ${NOW_MS}`,
    ),
    complete: database.prepare(
      `UPDATE ${table} SET state = 'completed', result = @result, expires_at = ${NOW_MS} + @ttlMs
       WHERE ${owned} AND state IN ('in_progress', 'completed')`,
    ),
    release: database.prepare(
      `UPDATE ${table} SET state = 'released' WHERE ${owned} AND state = 'in_progress'`,
    ),
    // A new lease from now; retention grows with it so the record outlives its lease.
    extend: database.prepare(
      `UPDATE ${table}
       SET lease_until = ${NOW_MS} + @leaseMs, expires_at = MAX(expires_at, ${NOW_MS} + @leaseMs)
       WHERE ${owned} AND state = 'in_progress'`,
    ),
    delete: database.prepare(`DELETE FROM ${table} WHERE record_key = ?`),
  };
}
