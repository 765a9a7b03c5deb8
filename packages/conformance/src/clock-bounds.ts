import assert from 'node:assert/strict';

/**
 * Bounds on the remaining times a store reports, derived from the caller's own measurements
 * around each call, so they hold on a machine of any load: the store's clock reads "now"
 * somewhere between the moment a call was sent and the moment its reply arrived, and a store
 * clock runs at the caller's rate over the few seconds a check measures.
 *
 * The only fixed slack is for rounding and clock resolution: a store may round remaining times
 * to whole milliseconds either way, and its clock may tick in milliseconds (Date.now, MySQL's
 * UTC_TIMESTAMP(3)) while the caller measures with performance.now.
 */
export const CLOCK_RESOLUTION_MS = 5;

/** When a call was sent and when its reply arrived, on the caller's monotonic clock. */
export interface Span {
  start: number;
  end: number;
}

export async function timed<T>(call: () => Promise<T>): Promise<{ value: T; span: Span }> {
  const start = performance.now();
  const value = await call();
  return { value, span: { start, end: performance.now() } };
}

/**
 * A remaining time read in `read`, of a duration `durationMs` that the store started in
 * `started`: it is at most `durationMs - (read.start - started.end)` and at least
 * `durationMs - (read.end - started.start)`, give or take the clock resolution.
 */
export function assertRemaining(
  remainingMs: number,
  durationMs: number,
  started: Span,
  read: Span,
  what: string,
): void {
  const most = Math.min(durationMs, durationMs - (read.start - started.end) + CLOCK_RESOLUTION_MS);
  const least = durationMs - (read.end - started.start) - CLOCK_RESOLUTION_MS;
  assert.ok(
    typeof remainingMs === 'number' && remainingMs >= least && remainingMs <= most,
    `${what}: expected ${round(least)}..${round(most)} ms left of ${durationMs} ms (measured around the calls), got ${remainingMs}`,
  );
}

/** A later reading of the same remaining time went down by at least the time between the reads. */
export function assertCountsDown(
  earlier: { remainingMs: number; read: Span },
  later: { remainingMs: number; read: Span },
  what: string,
): void {
  const most = earlier.remainingMs - (later.read.start - earlier.read.end) + CLOCK_RESOLUTION_MS;
  assert.ok(
    later.remainingMs <= most,
    `${what}: ${round(later.read.start - earlier.read.end)} ms after reading ${earlier.remainingMs} ms left, at most ${round(most)} may be left, got ${later.remainingMs}`,
  );
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
