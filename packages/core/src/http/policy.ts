import type { HttpResponse, ResponseContext } from './types.js';

/**
 * Statuses that say "try again" rather than "here is the outcome": storing them would replay
 * a transient refusal forever. 408 timeout, 409 conflict, 425 too early, 429 rate limited.
 */
const TRANSIENT = new Set([408, 409, 425, 429]);

/**
 * Statuses about the caller's credentials, not the operation: an auth check that answers them
 * did not run the operation, and the client's retry with a refreshed token must run it rather
 * than get the stored refusal for the whole TTL.
 */
const AUTH = new Set([401, 403]);

/**
 * The default store policy (oncely's own): keep every response except server errors (5xx), the
 * transient statuses above, 401 and 403, and a response the framework made because no route
 * matched (a mistyped path is not an outcome); those release the key so the client's retry
 * runs the operation again. Thrown errors are always released (the engine never stores them).
 */
export function defaultShouldStore(response: HttpResponse, context?: ResponseContext): boolean {
  if (context?.unmatchedRoute) return false;
  return response.status < 500 && !TRANSIENT.has(response.status) && !AUTH.has(response.status);
}
