import { createHash } from 'node:crypto';

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
  const digest = createHash('sha256').update(Buffer.from(key, 'utf16le')).digest('hex');
  return `${prefix}{${digest}}`;
}
