import type { StoreRecord } from '@oncely/core';

/** Scripts answer with Buffer variants (results stay raw bytes); integers arrive as numbers. */
type Reply = Array<Buffer | number | null>;

function text(value: Buffer | number | null | undefined): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new TypeError(`unexpected reply element ${String(value)}`);
}

function integer(value: Buffer | number | null | undefined): number {
  const parsed = typeof value === 'number' ? value : Number(text(value));
  if (!Number.isSafeInteger(parsed))
    throw new TypeError(`unexpected integer reply ${String(value)}`);
  return parsed;
}

/**
 * A record from the reply elements `[state, fingerprint, fence, remainingMs, result?]`, as the
 * acquire and get scripts send it.
 */
export function decodeRecord(reply: Reply, offset: number): StoreRecord {
  const state = text(reply[offset]);
  const fingerprint = text(reply[offset + 1]);
  const fence = integer(reply[offset + 2]);
  const remaining = Math.max(0, integer(reply[offset + 3]));
  if (state === 'c') {
    const result = reply[offset + 4];
    if (!Buffer.isBuffer(result)) throw new TypeError('completed record without a result');
    return { state: 'completed', fingerprint, fence, result, ttlRemainingMs: remaining };
  }
  if (state === 'p')
    return { state: 'in_progress', fingerprint, fence, leaseRemainingMs: remaining };
  throw new TypeError(`unexpected record state ${JSON.stringify(state)}`);
}

export function asReply(value: unknown): Reply {
  if (!Array.isArray(value)) throw new TypeError(`unexpected script reply ${String(value)}`);
  return value as Reply;
}
