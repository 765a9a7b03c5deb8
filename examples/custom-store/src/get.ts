import type { StoreRecord } from '@oncely/core';
import type { Pool } from 'mysql2/promise';
import { keyHash } from './bytes.js';
import { SERVER_NOW_MS } from './clock.js';
import { RECORD_COLUMNS, type RecordRow, toStoreRecord } from './record.js';

/**
 * The live record. Expired rows stay in the table until something overwrites or deletes
 * them, so the WHERE clause, not a cleanup job, is what keeps them invisible.
 */
export async function get(
  pool: Pool,
  table: string,
  key: string,
): Promise<StoreRecord | undefined> {
  const [rows] = await pool.query<RecordRow[]>(
    `SELECT ${RECORD_COLUMNS} FROM ${table}
     WHERE key_hash = ? AND state <> 'released' AND expires_at > ${SERVER_NOW_MS}`,
    [keyHash(key)],
  );
  const row = rows[0];
  return row ? toStoreRecord(row) : undefined;
}
