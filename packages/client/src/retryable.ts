/**
 * Answers that say "not now" without having run the operation to an end the server stored:
 * 409 (the same key is still running), 425 (too early), 429 (rate limited), 503 (unavailable,
 * e.g. the idempotency store is down) and 408 (the server timed the request out). An oncely
 * server stores none of them (it releases the key), so a retry with the same key is safe and
 * may run the operation once it is its turn.
 */
const ALWAYS = new Set([408, 409, 425, 429, 503]);

export function isRetryableStatus(status: number, retryServerErrors: boolean): boolean {
  return ALWAYS.has(status) || (retryServerErrors && status >= 500 && status <= 599);
}

/** 400 and 422 mean the key was misused (or the request is wrong): sending it again cannot help. */
export function isMisuse(status: number): boolean {
  return status === 400 || status === 422;
}
