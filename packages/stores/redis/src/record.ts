/**
 * The record head as the client reads and writes it (the Lua scripts in scripts.ts share the
 * layout): `<state>|<fence>|<a>|<b>|<fingerprint bytes>|<token bytes>|` then the fingerprint,
 * the token and, when completed, the result bytes.
 */

/** The in-progress record a first acquire creates, and how long Redis keeps it. */
export function newInProgressRecord(
  fingerprint: string,
  token: string,
  leaseMs: number,
  ttlMs: number,
): { value: string; retentionMs: number } {
  // Kept for the ttl (at least the lease), so a lapsed lease keeps guarding its fingerprint and
  // a takeover's fence keeps growing; the lease ends `retention - lease` before the record does.
  const retentionMs = Math.max(ttlMs, leaseMs);
  const fingerprintBytes = Buffer.byteLength(fingerprint, 'utf8');
  const tokenBytes = Buffer.byteLength(token, 'utf8');
  return {
    value: `p|1|${retentionMs - leaseMs}|0|${fingerprintBytes}|${tokenBytes}|${fingerprint}${token}`,
    retentionMs,
  };
}

export interface CompletedHead {
  fingerprint: string;
  fence: number;
  /** When the record expires, in Redis server milliseconds. */
  expiresAt: number;
  ttlMs: number;
  result: Buffer;
}

const C = 0x63; // 'c'
const BAR = 0x7c; // '|'

/** A completed record's fields, or `undefined` for any other state. */
export function readCompleted(record: Buffer): CompletedHead | undefined {
  if (record[0] !== C || record[1] !== BAR) return undefined;
  const numbers: number[] = [];
  let start = 2;
  for (let i = 0; i < 5; i++) {
    const end = record.indexOf(BAR, start);
    if (end === -1) throw new TypeError('unreadable record head');
    const value = Number(record.toString('latin1', start, end));
    if (!Number.isSafeInteger(value) || value < 0) throw new TypeError('unreadable record head');
    numbers.push(value);
    start = end + 1;
  }
  const [fence, expiresAt, ttlMs, fingerprintBytes, tokenBytes] = numbers as [
    number,
    number,
    number,
    number,
    number,
  ];
  const resultStart = start + fingerprintBytes + tokenBytes;
  if (resultStart > record.length) throw new TypeError('truncated record');
  return {
    fingerprint: record.toString('utf8', start, start + fingerprintBytes),
    fence,
    expiresAt,
    ttlMs,
    result: record.subarray(resultStart),
  };
}
