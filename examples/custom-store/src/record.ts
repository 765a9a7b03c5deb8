import type { StoreRecord } from '@oncely/core';
import type { RowDataPacket } from 'mysql2/promise';
import { SERVER_NOW_MS } from './clock.js';

/** What `get` and a losing `acquire` select: remaining times are computed by the server. */
export const RECORD_COLUMNS = `state, fingerprint, fence,
  GREATEST(lease_until - ${SERVER_NOW_MS}, 0) AS lease_remaining_ms,
  expires_at - ${SERVER_NOW_MS} AS ttl_remaining_ms,
  result`;

export interface RecordRow extends RowDataPacket {
  state: 'in_progress' | 'completed' | 'released';
  fingerprint: Buffer;
  // BIGINT arrives as a number, or as a string when the pool sets bigNumberStrings.
  fence: number | string;
  lease_remaining_ms: number | string;
  ttl_remaining_ms: number | string;
  result: Buffer | null;
}

function wholeNumber(value: number | string, column: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`${column} is not a safe integer: ${value}`);
  return number;
}

/** A live row as the Store contract describes it. Callers filter out released and expired rows. */
export function toStoreRecord(row: RecordRow): StoreRecord {
  const fingerprint = row.fingerprint.toString('utf8');
  const fence = wholeNumber(row.fence, 'fence');
  if (row.state === 'in_progress') {
    const leaseRemainingMs = wholeNumber(row.lease_remaining_ms, 'lease_remaining_ms');
    return { state: 'in_progress', fingerprint, fence, leaseRemainingMs };
  }
  if (row.state === 'completed' && row.result !== null) {
    return {
      state: 'completed',
      fingerprint,
      fence,
      // A copy: the driver's Buffer may be a view into a larger packet buffer.
      result: new Uint8Array(row.result),
      ttlRemainingMs: wholeNumber(row.ttl_remaining_ms, 'ttl_remaining_ms'),
    };
  }
  throw new Error(`unexpected ${row.state} row`);
}
