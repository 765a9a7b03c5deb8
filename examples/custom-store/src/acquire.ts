import type { AcquireInput, AcquireResult } from '@oncely/core';
import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { keyBytes, keyHash, utf8 } from './bytes.js';
import { SERVER_NOW_MS } from './clock.js';
import { RECORD_COLUMNS, type RecordRow, toStoreRecord } from './record.js';

const ER_LOCK_DEADLOCK = 1213;
const DEADLOCK_ATTEMPTS = 3;

/**
 * Acquire in one short transaction that holds the row's lock from the first statement to
 * COMMIT, so that the decision and the record handed to a loser are one atomic step:
 *
 * 1. INSERT a placeholder (released, fence 0, already expired) unless the row exists. Either
 *    way this connection now holds the row's exclusive lock, and every other acquire of the
 *    key waits here. (Starting with SELECT ... FOR UPDATE instead would lock only the gap
 *    when the key is new; two acquirers would both see nothing and then deadlock inserting.)
 * 2. UPDATE ... WHERE <the key may be taken>: one statement decides, on the server's clock,
 *    and takes it with a fence one larger. One row changed means we won.
 * 3. SELECT ... FOR UPDATE: the row as it is now (a locking read sees the latest version,
 *    not the transaction's REPEATABLE READ snapshot), for the winner's fence or the loser's
 *    record.
 */
export async function acquire(
  pool: Pool,
  table: string,
  input: AcquireInput,
): Promise<AcquireResult> {
  for (let attempt = 1; ; attempt++) {
    const connection = await pool.getConnection();
    let reusable = true;
    try {
      await connection.beginTransaction();
      const result = await decide(connection, table, input);
      await connection.commit();
      return result;
    } catch (error) {
      // Roll back so the lock is freed now; a connection that cannot is not reused.
      await connection.rollback().catch(() => {
        reusable = false;
      });
      // InnoDB resolves a deadlock by rolling back one transaction whole: safe to run again.
      if ((error as { errno?: unknown }).errno !== ER_LOCK_DEADLOCK) throw error;
      if (attempt >= DEADLOCK_ATTEMPTS) throw error;
    } finally {
      if (reusable) connection.release();
      else connection.destroy();
    }
  }
}

async function decide(
  connection: PoolConnection,
  table: string,
  { key, fingerprint, token, leaseMs, ttlMs }: AcquireInput,
): Promise<AcquireResult> {
  const hash = keyHash(key);
  await connection.query(
    `INSERT INTO ${table}
       (key_hash, record_key, state, fingerprint, owner_token, fence, lease_until, expires_at)
     VALUES (?, ?, 'released', '', '', 0, 0, 0)
     ON DUPLICATE KEY UPDATE key_hash = key_hash`,
    [hash, keyBytes(key)],
  );
  const [taken] = await connection.query<ResultSetHeader>(
    `UPDATE ${table}
     SET state = 'in_progress', fingerprint = ?, owner_token = ?, fence = fence + 1,
         lease_until = ${SERVER_NOW_MS} + ?, expires_at = ${SERVER_NOW_MS} + ?,
         result = NULL, revision = revision + 1
     WHERE key_hash = ?
       AND (expires_at <= ${SERVER_NOW_MS}
            OR state = 'released'
            OR (state = 'in_progress' AND lease_until <= ${SERVER_NOW_MS} AND fingerprint = ?))`,
    [
      utf8(fingerprint, 'fingerprint'),
      utf8(token, 'token'),
      leaseMs,
      // Retained at least as long as the lease, so a live lease always has its record.
      Math.max(ttlMs, leaseMs),
      hash,
      utf8(fingerprint, 'fingerprint'),
    ],
  );
  const [rows] = await connection.query<RecordRow[]>(
    `SELECT ${RECORD_COLUMNS} FROM ${table} WHERE key_hash = ? FOR UPDATE`,
    [hash],
  );
  const row = rows[0];
  if (!row) throw new Error('the row locked by this transaction is missing');
  const record = toStoreRecord(row);
  return taken.affectedRows === 1
    ? { acquired: true, fence: record.fence }
    : { acquired: false, record };
}
