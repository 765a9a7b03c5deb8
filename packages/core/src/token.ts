import { randomFillSync } from 'node:crypto';

const TOKEN_BYTES = 16;
/** Random bytes drawn in one call for 256 tokens, as `randomUUID` buffers its own. */
const POOL_BYTES = TOKEN_BYTES * 256;
let pool: Buffer | undefined;
let offset = POOL_BYTES;

/**
 * A new owner token: 128 random bits as 22 base64url characters. It runs on every request;
 * `randomUUID` costs several times as much, most of it spent laying out the UUID's hex text.
 */
export function ownerToken(): string {
  if (offset === POOL_BYTES) {
    pool ??= Buffer.allocUnsafeSlow(POOL_BYTES);
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += TOKEN_BYTES;
  return (pool as Buffer).toString('base64url', start, offset);
}
