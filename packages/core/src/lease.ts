import { OwnershipLostError } from './errors.js';
import type { Observation } from './observation.js';
import type { ExtendInput } from './store.js';
import { unref } from './timers.js';

/** What every lease of one engine shares: made once, not per request. */
export interface LeaseTiming {
  /** The store's extend, bounded by the store timeout and failing as StoreUnavailableError. */
  extend: (input: ExtendInput, observed: Observation | undefined) => Promise<boolean>;
  leaseMs: number;
  /** Renew the lease this often; `undefined` to hold it only for `leaseMs`. */
  heartbeatMs: number | undefined;
  /** Stop renewing and fire the signal once the handler has run this long. */
  maxRunMs: number;
}

/**
 * Keeps an owner's lease alive while its handler runs and exposes an AbortSignal that fires
 * once ownership can no longer be vouched for: the store refused an extend (someone took
 * over), the lease ran out without a successful renewal (store unreachable, no heartbeat, or
 * the process was paused past it), or the handler ran past `maxRunMs` (renewals stop, so a
 * handler that never settles does not hold its key forever). The handler should stop
 * writing elsewhere when it fires.
 *
 * One timer at a time drives it, and the AbortController is made only when the handler asks
 * for the signal: most handlers finish long before the first renewal, and this runs on every
 * request.
 */
export class LeaseKeeper {
  private controller: AbortController | undefined;
  private lostReason: OwnershipLostError | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When the lease we last secured ends, on this process's monotonic clock. */
  private leaseEndsAt: number;
  /** When the handler has run for `maxRunMs`; no renewal is asked for after it. */
  private readonly runEndsAt: number;
  /** Whether the pending wake-up is a renewal (or else the end of the lease). */
  private renewalDue = false;
  private stopped = false;

  constructor(
    private readonly timing: LeaseTiming,
    private readonly key: string,
    private readonly token: string,
    private readonly fence: number,
    /** Where a lost lease is reported; `undefined` when nobody listens. */
    private readonly observed: Observation | undefined,
  ) {
    const now = performance.now();
    this.leaseEndsAt = now + timing.leaseMs;
    this.runEndsAt = now + timing.maxRunMs;
    this.schedule();
  }

  get signal(): AbortSignal {
    // A handler that looks after a pause must not be told it still owns a lease that ended,
    // even if its own timer ran before ours.
    if (!this.stopped && performance.now() >= this.leaseEndsAt) this.lose('lease');
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.lostReason) this.controller.abort(this.lostReason);
    }
    return this.controller.signal;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Milliseconds left on the lease last secured (0 once it ended); valid after `stop` too. */
  remainingMs(): number {
    return this.lostReason ? 0 : Math.max(0, this.leaseEndsAt - performance.now());
  }

  /**
   * Next wake-up: the next renewal, or else whichever comes first of the end of the lease and
   * the end of the run time.
   */
  private schedule(): void {
    const now = performance.now();
    const untilEnd = Math.max(0, Math.min(this.leaseEndsAt, this.runEndsAt) - now);
    const { heartbeatMs } = this.timing;
    this.renewalDue = heartbeatMs !== undefined && heartbeatMs < untilEnd;
    const delay = this.renewalDue ? (heartbeatMs as number) : untilEnd;
    this.timer = setTimeout(() => void this.wake(), delay);
    unref(this.timer);
  }

  private async wake(): Promise<void> {
    if (this.stopped) return;
    // Checked first and synchronously, renewal or not: after the process was paused (SIGSTOP,
    // a long GC, a blocked event loop) past its lease, another attempt may already own the
    // key, and a handler timer that was due in the same pause may run right after this one.
    // Asking the store first would leave the signal unfired until its answer came back.
    // (Timers may fire a moment early against performance.now(); only a lease that has really
    // ended counts as lost.)
    const now = performance.now();
    if (now >= this.leaseEndsAt) {
      this.lose('lease');
      return;
    }
    if (now >= this.runEndsAt) {
      this.lose('max-run-time');
      return;
    }
    if (!this.renewalDue) {
      this.schedule();
      return;
    }
    const { key, token, fence, observed } = this;
    const { extend, leaseMs } = this.timing;
    const asked = performance.now();
    try {
      const renewed = await extend({ key, token, fence, leaseMs }, observed);
      if (this.stopped) return;
      if (!renewed) {
        this.lose('extend');
        return;
      }
      // Count the lease from when we asked: the store may have granted it any time after.
      this.leaseEndsAt = asked + leaseMs;
    } catch {
      // Reported as store_error by `extend`. The lease may still be ours until it ends; keep
      // trying until then (a call that never answered was cut off by the store timeout).
    }
    if (this.stopped) return;
    // A pause while the call was in flight can outlast even the renewed lease.
    if (performance.now() >= this.leaseEndsAt) this.lose('lease');
    else this.schedule();
  }

  private lose(operation: 'extend' | 'lease' | 'max-run-time'): void {
    if (this.stopped || this.lostReason) return;
    this.stop();
    const { fence, observed } = this;
    observed?.emit('fenced', { fence, operation, background: false });
    this.lostReason = new OwnershipLostError(LOST_MESSAGES[operation], fence);
    this.controller?.abort(this.lostReason);
  }
}

const LOST_MESSAGES = {
  extend: 'Another attempt took over this key; stop writing on behalf of this one.',
  lease: 'The lease on this key ran out before it could be renewed; another attempt may take over.',
  'max-run-time':
    'The handler ran past maxRunTime, so its lease is no longer renewed; another attempt may take over once it ends.',
} as const;
