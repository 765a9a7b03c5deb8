import { OwnershipLostError } from './errors.js';
import type { OncelyEvent } from './events.js';
import type { ExtendInput } from './store.js';

export interface LeaseOptions {
  /** The store's extend, bounded by the store timeout and failing as StoreUnavailableError. */
  extend: (input: ExtendInput) => Promise<boolean>;
  key: string;
  token: string;
  fence: number;
  leaseMs: number;
  /** Renew the lease this often; `undefined` to hold it only for `leaseMs`. */
  heartbeatMs: number | undefined;
  emit: (event: OncelyEvent) => void;
  keyHash: () => string;
}

/**
 * Keeps an owner's lease alive while its handler runs and exposes an AbortSignal that fires
 * once ownership can no longer be vouched for: the store refused an extend (someone took
 * over), or the lease ran out without a successful renewal (store unreachable, or no
 * heartbeat). The handler should stop writing elsewhere when it fires.
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
  /** Whether the pending wake-up is a renewal (or else the end of the lease). */
  private renewalDue = false;
  private stopped = false;

  constructor(private readonly options: LeaseOptions) {
    this.leaseEndsAt = performance.now() + options.leaseMs;
    this.schedule();
  }

  get signal(): AbortSignal {
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

  /** Next wake-up: the next renewal, or the end of the lease when nothing renews it. */
  private schedule(): void {
    const untilLeaseEnds = Math.max(0, this.leaseEndsAt - performance.now());
    const { heartbeatMs } = this.options;
    this.renewalDue = heartbeatMs !== undefined && heartbeatMs < untilLeaseEnds;
    const delay = this.renewalDue ? (heartbeatMs as number) : untilLeaseEnds;
    this.timer = setTimeout(() => void this.wake(), delay);
    this.timer.unref();
  }

  private async wake(): Promise<void> {
    if (this.stopped) return;
    if (!this.renewalDue) {
      // Timers may fire a moment early against performance.now(); only a lease that has
      // really ended counts as lost.
      if (performance.now() >= this.leaseEndsAt) this.lose('lease');
      else this.schedule();
      return;
    }
    const { extend, key, token, fence, leaseMs } = this.options;
    const asked = performance.now();
    try {
      const renewed = await extend({ key, token, fence, leaseMs });
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
    if (!this.stopped) this.schedule();
  }

  private lose(operation: 'extend' | 'lease'): void {
    if (this.stopped || this.lostReason) return;
    this.stop();
    const { fence } = this.options;
    this.options.emit({ type: 'fenced', keyHash: this.options.keyHash(), fence, operation });
    this.lostReason = new OwnershipLostError(
      operation === 'extend'
        ? 'Another attempt took over this key; stop writing on behalf of this one.'
        : 'The lease on this key ran out before it could be renewed; another attempt may take over.',
      fence,
    );
    this.controller?.abort(this.lostReason);
  }
}
