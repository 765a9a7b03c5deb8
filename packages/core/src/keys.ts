import { createHash } from 'node:crypto';
import { InvalidArgumentError, InvalidKeyError, MissingKeyError } from './errors.js';

export const MAX_KEY_LENGTH = 255;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Check an idempotency key: 1..255 visible ASCII characters (the HTTP draft's rule, applied to
 * every operation so a key means the same thing over HTTP and in a queue consumer).
 */
export function validateKey(key: unknown): string {
  if (key === undefined || key === null) throw new MissingKeyError();
  if (typeof key !== 'string')
    throw new InvalidKeyError(`The idempotency key must be a string, got ${typeof key}.`);
  if (key.length === 0) throw new InvalidKeyError('The idempotency key is empty.');
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidKeyError(
      `The idempotency key is ${key.length} characters; at most ${MAX_KEY_LENGTH} are allowed.`,
    );
  }
  if (!VISIBLE_ASCII.test(key)) {
    throw new InvalidKeyError('The idempotency key may hold only visible ASCII characters.');
  }
  return key;
}

/** Longer scopes are stored as their SHA-256, so a stored key stays bounded. */
export const MAX_RAW_SCOPE_LENGTH = 1024;

// A lone UTF-16 surrogate has no UTF-8 form: UTF-8 encoding turns every one into U+FFFD.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The key as stored: `prefix`, then the scope with its length in front, then the key. The
 * length makes the split unambiguous, so scope "a:b" + key "c" never meets scope "a" + key
 * "b:c": two principals using the same key never see each other's records.
 *
 * A scope longer than 1024 characters (it may come straight from a request header) is written
 * as `#` and its SHA-256 instead: the stored key stays short, and since the length form always
 * starts with a digit, a hashed scope never meets a literal one.
 *
 * The hash is taken over the scope's UTF-8 bytes when the scope is well-formed text, and over
 * its UTF-16 code units, marked `#u`, when it holds a lone surrogate (a JSON claim can carry
 * one): UTF-8 would map `…\uD800`, `…\uD801` and `…\uFFFD` to the same bytes and so two
 * tenants to one record. `u` is not a hex digit, so the two hashed forms never meet either.
 */
export function namespacedKey(prefix: string, scope: string, key: string): string {
  if (scope.length > MAX_RAW_SCOPE_LENGTH) return `${prefix}${hashedScope(scope)}:${key}`;
  return `${prefix}${scope.length}:${scope}:${key}`;
}

function hashedScope(scope: string): string {
  if (LONE_SURROGATE.test(scope)) {
    const units = Buffer.from(scope, 'utf16le');
    return `#u${createHash('sha256').update(units).digest('hex')}`;
  }
  return `#${createHash('sha256').update(scope, 'utf8').digest('hex')}`;
}

export function validateScope(scope: unknown, field = 'scope'): string {
  if (scope === undefined) return '';
  if (typeof scope !== 'string')
    throw new InvalidArgumentError(field, `expected a string, got ${typeof scope}`);
  return scope;
}

/** A short, one-way name for a key, for logs and metrics: keys may carry personal data. */
export function hashKey(storeKey: string): string {
  return createHash('sha256').update(storeKey).digest('hex').slice(0, 16);
}
