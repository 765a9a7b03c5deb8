import type { StoreRecord } from '@oncely/core';
import { NOW_MS } from './clock.js';
import { fromCodeUnits } from './text.js';

/** What `get` and a losing `acquire` select: remaining times computed in the statement. */
export const RECORD_COLUMNS = `state, fingerprint, fence,
  MAX(lease_until - ${NOW_MS}, 0) AS lease_remaining_ms,
  expires_at - ${NOW_MS} AS ttl_remaining_ms,
  result`;

export interface RecordRow {
  state: 'in_progress' | 'completed' | 'released';
  fingerprint: Buffer;
  fence: number;
  lease_remaining_ms: number;
  ttl_remaining_ms: number;
  result: Buffer | null;
}

/** A live row as the Store contract describes it. Callers filter out released and expired rows. */
export function toStoreRecord(row: RecordRow): StoreRecord {
  const fingerprint = fromCodeUnits(row.fingerprint);
  if (row.state === 'in_progress') {
    return {
      state: 'in_progress',
      fingerprint,
      fence: row.fence,
      leaseRemainingMs: row.lease_remaining_ms,
    };
  }
  if (row.state === 'completed') {
    return {
      state: 'completed',
      fingerprint,
      fence: row.fence,
      // An empty BLOB reads back as an empty Buffer; a copy either way.
      result: new Uint8Array(row.result ?? new Uint8Array(0)),
      ttlRemainingMs: row.ttl_remaining_ms,
    };
  }
  throw new Error(`unexpected ${row.state} row`);
}
