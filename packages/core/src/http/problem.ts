import { isOncelyError, type OncelyError } from '../errors.js';
import { retryAfterSeconds } from './retry-after.js';
import type { HttpResponse } from './types.js';

const TITLES: Record<string, string> = {
  'missing-key': 'Idempotency key required',
  'invalid-key': 'Invalid idempotency key',
  conflict: 'Request in progress',
  'fingerprint-mismatch': 'Idempotency key reused',
  'store-unavailable': 'Idempotency store unavailable',
};

/**
 * What a client is told when the store fails. The error's own message carries the driver's
 * (hosts and ports, database and user names, whatever a store quotes, even the key): that is
 * for the operator, through the `store_error` event and the error, never for any client.
 */
const STORE_UNAVAILABLE_DETAIL =
  'The idempotency store could not be reached, so the request was not processed. Retry later.';

/**
 * An RFC 9457 problem response for an oncely error: `type` is the error's stable URI, `status`
 * its HTTP status. A 409 carries `Retry-After` from the running attempt's remaining lease and a
 * 503 from the store error, in whole seconds rounded up (at least 1).
 */
export function problemResponse(error: OncelyError): HttpResponse {
  const problem = {
    type: error.type,
    title: TITLES[error.code] ?? error.name,
    status: error.status,
    detail: isOncelyError(error, 'store-unavailable') ? STORE_UNAVAILABLE_DETAIL : error.message,
  };
  const body = Buffer.from(JSON.stringify(problem), 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    'content-length': String(body.byteLength),
    'cache-control': 'no-store',
  };
  if (isOncelyError(error, 'conflict') || isOncelyError(error, 'store-unavailable')) {
    headers['retry-after'] = String(retryAfterSeconds(error.retryAfterMs));
  }
  return {
    status: error.status,
    headers,
    body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
  };
}
