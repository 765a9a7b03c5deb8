/** Exponential backoff settings; every attempt after the first waits before it is sent. */
export interface Backoff {
  /** The ceiling of the first wait, in ms. Default 100. */
  baseMs: number;
  /** No wait's ceiling grows past this, in ms. Default 10 000. */
  maxMs: number;
}

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly random
 * wait between 0 and `min(maxMs, baseMs * 2^(retry - 1))`, so clients that failed together do
 * not come back together. `retry` counts from 1 (the wait before the second attempt).
 */
export function fullJitter(backoff: Backoff, retry: number, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
