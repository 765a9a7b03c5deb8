import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
// `crypto.hash` (Node >= 20.12) hashes in one call; every store call hashes its key.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/**
 * The Redis key for a store key: `prefix + "{" + sha256 + "}"`.
 *
 * The braces are a Cluster hash tag around a hex digest, so the slot depends only on the
 * digest: a user key holding `{` or `}` can never move a record to another slot, and the raw
 * key (which may carry personal data) never reaches Redis. The digest is taken over the key's
 * UTF-16 code units, which is lossless for every JavaScript string (UTF-8 would map distinct
 * lone surrogates to the same bytes, and so two keys to one record).
 */
export function redisKeyFor(prefix: string, key: string): string {
  const units = Buffer.from(key, 'utf16le');
  const digest = oneShot
    ? oneShot('sha256', units, 'hex')
    : crypto.createHash('sha256').update(units).digest('hex');
  return `${prefix}{${digest}}`;
}
