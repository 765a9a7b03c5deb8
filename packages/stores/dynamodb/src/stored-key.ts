import { createHash } from 'node:crypto';

/** DynamoDB refuses a partition key value over 2048 bytes. */
export const MAX_KEY_BYTES = 2048;

// A lone UTF-16 surrogate has no UTF-8 form, and DynamoDB strings are UTF-8: the SDK sends
// every one as U+FFFD, so `'\uD800'`, `'\uD801'` and `'\uFFFD'` would be one item.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The partition key value for a namespaced key: the key itself when DynamoDB can hold it
 * exactly, else a hash of it.
 *
 * - Over 2048 bytes of UTF-8 (the engine allows a scope of 1024 characters, which in UTF-8 can
 *   exceed that): `#sha256#` and the base64url SHA-256 of the key's UTF-8 bytes, instead of
 *   failing on a ValidationException.
 * - Holding a lone surrogate (a scope from a JSON claim can): `#utf16#` and the base64url
 *   SHA-256 of the key's UTF-16 code units, which tell apart every JavaScript string.
 *
 * Keys the engine builds never start with `#` unless the prefix does, so the forms do not meet.
 */
export function storedKey(key: string): string {
  if (LONE_SURROGATE.test(key)) {
    const units = Buffer.from(key, 'utf16le');
    return `#utf16#${createHash('sha256').update(units).digest('base64url')}`;
  }
  if (Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES) return key;
  return `#sha256#${createHash('sha256').update(key, 'utf8').digest('base64url')}`;
}
