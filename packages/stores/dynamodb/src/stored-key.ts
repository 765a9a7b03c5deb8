import { createHash } from 'node:crypto';

/** DynamoDB refuses a partition key value over 2048 bytes. */
export const MAX_KEY_BYTES = 2048;

/**
 * The partition key value for a namespaced key: the key itself when DynamoDB can hold it,
 * else `#sha256#` and the base64url SHA-256 of the key. The engine allows a scope of 1024
 * characters, which in UTF-8 can exceed 2048 bytes; hashing keeps such keys working instead
 * of failing on a ValidationException. Keys the engine builds never start with `#sha256#`
 * unless the prefix does, so the two forms do not meet.
 */
export function storedKey(key: string): string {
  if (Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES) return key;
  return `#sha256#${createHash('sha256').update(key, 'utf8').digest('base64url')}`;
}
