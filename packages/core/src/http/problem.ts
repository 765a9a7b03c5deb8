import { isOncelyError, type OncelyError, PROBLEM_BASE } from '../errors.js';
import { retryAfterSeconds } from './retry-after.js';
import type { HttpResponse, ProblemDetails } from './types.js';

const TITLES: Record<string, string> = {
  'missing-key': 'Idempotency key required',
  'invalid-key': 'Invalid idempotency key',
  conflict: 'Request in progress',
  'fingerprint-mismatch': 'Idempotency key reused',
  'credentials-mismatch': 'Idempotency key used by other credentials',
  'store-unavailable': 'Idempotency store unavailable',
  'request-too-deep': 'Request nested too deeply',
  'content-coding-not-acceptable': 'Stored response not acceptable',
  'nesting-mismatch': 'Route-level idempotency settings conflict with the app-level ones',
};

/**
 * What a client is told when the store fails. The error's own message carries the driver's
 * (hosts and ports, database and user names, whatever a store quotes, even the key): that is
 * for the operator, through the `store_error` event and the error, never for any client.
 */
const STORE_UNAVAILABLE_DETAIL =
  'The idempotency store could not be reached, so the request was not processed. Retry later.';

/**
 * What a client is told about an oncely error: the RFC 9457 body (`type` is `typeBase` + the
 * error's code, `status` its HTTP status) and the headers it needs. A 409 carries `Retry-After`
 * from the error's `retryAfterMs` (over HTTP, how long the running attempt is likely to take,
 * bounded by its lease) and a 503 from the store error, in whole seconds rounded up (at least 1).
 */
export function problemDetails(error: OncelyError, typeBase = PROBLEM_BASE): ProblemDetails {
  const problem = {
    type: typeBase + error.code,
    title: TITLES[error.code] ?? error.name,
    status: error.status,
    detail: isOncelyError(error, 'store-unavailable') ? STORE_UNAVAILABLE_DETAIL : error.message,
  };
  const headers: Record<string, string> = {};
  if (isOncelyError(error, 'conflict') || isOncelyError(error, 'store-unavailable')) {
    headers['retry-after'] = String(retryAfterSeconds(error.retryAfterMs));
  }
  return { problem, headers };
}

/** An RFC 9457 problem response for an oncely error (see `problemDetails`). */
export function problemResponse(error: OncelyError, typeBase = PROBLEM_BASE): HttpResponse {
  const { problem, headers: extra } = problemDetails(error, typeBase);
  const body = Buffer.from(JSON.stringify(problem), 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    'content-length': String(body.byteLength),
    'cache-control': 'no-store',
    ...extra,
  };
  return {
    status: error.status,
    headers,
    body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
  };
}
