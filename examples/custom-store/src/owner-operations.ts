import {
  type CompleteInput,
  type ExtendInput,
  type OwnerInput,
  ResultTooLargeError,
} from '@oncely/core';
import type { Pool, ResultSetHeader } from 'mysql2/promise';
import { asBuffer, keyHash, utf8 } from './bytes.js';
import { SERVER_NOW_MS } from './clock.js';

/**
 * Every owner operation is one UPDATE whose WHERE is the compare-and-set: this key, this
 * owner's token and fence, a state the operation applies to, and a record not yet expired on
 * the server's clock. A stale owner (someone took over with a larger fence) matches nothing.
 *
 * Every SET bumps `revision`, so a matched row always changes. MySQL reports changed rows,
 * not matched ones, when the connection does not set CLIENT_FOUND_ROWS; without the bump a
 * repeated complete or extend within the same millisecond would change nothing and read as
 * "not the owner".
 */
const OWNED = `key_hash = ? AND owner_token = ? AND fence = ? AND expires_at > ${SERVER_NOW_MS}`;

function ownerValues({ key, token, fence }: OwnerInput): unknown[] {
  return [keyHash(key), utf8(token, 'token'), fence];
}

/** In progress (even with a lapsed lease), or completed by this same owner: repeating is safe. */
export async function complete(
  pool: Pool,
  table: string,
  maxResultBytes: number,
  input: CompleteInput,
): Promise<boolean> {
  if (input.result.byteLength > maxResultBytes) {
    throw new ResultTooLargeError(input.result.byteLength, maxResultBytes);
  }
  const [header] = await pool.query<ResultSetHeader>(
    `UPDATE ${table}
     SET state = 'completed', result = ?, expires_at = ${SERVER_NOW_MS} + ?,
         revision = revision + 1
     WHERE ${OWNED} AND state IN ('in_progress', 'completed')`,
    [asBuffer(input.result), input.ttlMs, ...ownerValues(input)],
  );
  return header.affectedRows === 1;
}

/** The key becomes released: its fence and retention stay, so the next fence is larger. */
export async function release(pool: Pool, table: string, input: OwnerInput): Promise<boolean> {
  const [header] = await pool.query<ResultSetHeader>(
    `UPDATE ${table}
     SET state = 'released', revision = revision + 1
     WHERE ${OWNED} AND state = 'in_progress'`,
    ownerValues(input),
  );
  return header.affectedRows === 1;
}

/** A new lease from now; retention grows with it so the record outlives its lease. */
export async function extend(pool: Pool, table: string, input: ExtendInput): Promise<boolean> {
  const [header] = await pool.query<ResultSetHeader>(
    `UPDATE ${table}
     SET lease_until = ${SERVER_NOW_MS} + ?,
         expires_at = GREATEST(expires_at, ${SERVER_NOW_MS} + ?),
         revision = revision + 1
     WHERE ${OWNED} AND state = 'in_progress'`,
    [input.leaseMs, input.leaseMs, ...ownerValues(input)],
  );
  return header.affectedRows === 1;
}
