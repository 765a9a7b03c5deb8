import { isOncelyError } from '../errors.js';
import { validateKey } from '../keys.js';
import { headerValue } from './headers.js';
import { parseKeyHeader } from './key-header.js';
import type { ResolvedHttpOptions } from './options.js';
import type { HttpRequest } from './types.js';

/**
 * The request's idempotency key: from the user's `key` function when there is one (the header
 * is then not looked at), else from the key header. `undefined` means no key. Throws
 * `InvalidKeyError` or `MissingKeyError` for what the HTTP layer answers with 400; any other
 * error from `key` is the user's and goes on unchanged.
 */
export function requestKey<Native>(
  settings: ResolvedHttpOptions<Native>,
  request: HttpRequest,
  native: Native,
): string | undefined | Promise<string | undefined> {
  // Synchronous for the header, so a request with no `key` function waits for nothing here.
  if (settings.key === undefined) {
    return parseKeyHeader(headerValue(request.headers, settings.header));
  }
  return keyFromFunction(settings.key, request, native);
}

async function keyFromFunction<Native>(
  key: NonNullable<ResolvedHttpOptions<Native>['key']>,
  request: HttpRequest,
  native: Native,
): Promise<string | undefined> {
  const found = await key(request, native);
  if (found === undefined || found === null) return undefined;
  // The same rule as the header's: 1..255 visible ASCII, so a key means one thing everywhere.
  return validateKey(found);
}

/** The errors `requestKey` answers with 400, recognised by brand (another copy of core too). */
export function isKeyProblem(error: unknown): boolean {
  return isOncelyError(error, 'invalid-key') || isOncelyError(error, 'missing-key');
}
