import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import type { HttpHeaders } from './types.js';

/** The headers that say who is calling, bound to a key when no `scope` says whose it is. */
export const DEFAULT_CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'cookie',
  'proxy-authorization',
];

const MARK = '~cred:';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Lower-cased names from `credentialHeaders`, checked once at start-up. */
export function resolveCredentialHeaders(names: unknown, scoped: boolean): readonly string[] {
  if (names === undefined) return scoped ? [] : DEFAULT_CREDENTIAL_HEADERS;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || !HEADER_NAME.test(n))) {
    throw new InvalidArgumentError('credentialHeaders', 'expected an array of header names');
  }
  return names.map((name: string) => name.toLowerCase());
}

/**
 * Bind a request fingerprint to the caller's credentials: a SHA-256 over the key and the
 * listed headers' values, appended to the fingerprint. A request without any of them keeps its
 * fingerprint as it is. The key is hashed in, so the same credentials give unrelated hashes
 * under two keys, and the store never holds a credential itself.
 */
export function bindCredentials(
  fingerprint: string,
  key: string,
  headers: HttpHeaders,
  names: readonly string[],
): string {
  let hash: ReturnType<typeof createHash> | undefined;
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) continue;
    hash ??= createHash('sha256').update(key);
    // Name and value, each NUL-terminated: moving bytes between headers changes the hash.
    hash.update(`\0${name}\0`);
    for (const part of Array.isArray(value) ? value : [value]) hash.update(`${part}\0`);
  }
  return hash ? `${fingerprint}${MARK}${hash.digest('base64url')}` : fingerprint;
}

/**
 * Whether two bound fingerprints differ in their credentials only, so the refusal can say so:
 * the same request, sent with other credentials.
 */
export function differInCredentialsOnly(stored: string, current: string): boolean {
  const strip = (print: string) => {
    const at = print.lastIndexOf(MARK);
    return at === -1 ? print : print.slice(0, at);
  };
  return stored !== current && strip(stored) === strip(current);
}
