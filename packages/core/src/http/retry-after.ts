/**
 * `Retry-After` in whole seconds (RFC 9110 delay-seconds): rounded up so a client that waits
 * that long does not arrive before the lease ends, and at least 1 so it never means "now".
 */
export function retryAfterSeconds(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 1;
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * What a 409 suggests when this process has not yet seen the operation finish: one second, the
 * shortest hint the header can give that does not mean "now". A client is then never stalled
 * for a whole lease on a request that takes milliseconds, and asks again once a second at most.
 */
export const UNKNOWN_RUN_TIME_MS = 1000;

/** How many recent run times are kept per operation, and how many operations are tracked. */
const RUNS_KEPT = 8;
const OPERATIONS_KEPT = 1024;

/**
 * Recent run times of finished attempts, per operation (method and path: a duplicate has the
 * same key and fingerprint as the attempt it waits for, so the same method and path), to tell a
 * duplicate how long the running attempt is likely to take. The estimate is the longest of the
 * last 8 runs: long enough that a client honouring it mostly finds the result, while one slow
 * run ages out after 8 more. Bounded: past 1024 operations the oldest-tracked one is dropped.
 */
export class RunTimes {
  private readonly runs = new Map<string, { times: Float64Array; next: number; count: number }>();

  record(operation: string, ms: number): void {
    let entry = this.runs.get(operation);
    if (entry === undefined) {
      if (this.runs.size >= OPERATIONS_KEPT) {
        const oldest = this.runs.keys().next().value as string;
        this.runs.delete(oldest);
      }
      entry = { times: new Float64Array(RUNS_KEPT), next: 0, count: 0 };
      this.runs.set(operation, entry);
    }
    entry.times[entry.next] = ms;
    entry.next = (entry.next + 1) % RUNS_KEPT;
    entry.count = Math.min(entry.count + 1, RUNS_KEPT);
  }

  /** The longest recent run of `operation`, or `undefined` when none finished here yet. */
  expectedMs(operation: string): number | undefined {
    const entry = this.runs.get(operation);
    if (entry === undefined) return undefined;
    let longest = 0;
    for (let i = 0; i < entry.count; i++) longest = Math.max(longest, entry.times[i] as number);
    return longest;
  }
}

/**
 * The wait a 409 suggests: how long the running attempt is likely to take (`expectedMs`, or
 * `UNKNOWN_RUN_TIME_MS` when unknown), never more than its remaining lease, since by then the
 * key is either finished or free to take over.
 */
export function conflictWaitMs(expectedMs: number | undefined, leaseRemainingMs: number): number {
  return Math.min(expectedMs ?? UNKNOWN_RUN_TIME_MS, leaseRemainingMs);
}
