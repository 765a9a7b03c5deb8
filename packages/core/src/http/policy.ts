import type { HttpResponse } from './types.js';

/**
 * Statuses that say "try again" rather than "here is the outcome": storing them would replay
 * a transient refusal forever. 408 timeout, 409 conflict, 425 too early, 429 rate limited.
 */
const TRANSIENT = new Set([408, 409, 425, 429]);

/**
 * The default store policy: keep every response except server errors (5xx) and the transient
 * statuses above; those release the key so the client's retry runs the operation again.
 * Thrown errors are always released (the engine never stores them).
 */
export function defaultShouldStore(response: HttpResponse): boolean {
  return response.status < 500 && !TRANSIENT.has(response.status);
}
