import { OwnershipLostError } from './errors.js';
import type { OncelyEvent } from './events.js';
import type { Store } from './store.js';

export interface LeaseOptions {
  store: Store;
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
 */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private renewing = false;
  private stopped = false;

  constructor(private readonly options: LeaseOptions) {
    this.armExpiry();
    if (options.heartbeatMs !== undefined) {
      this.heartbeat = setInterval(() => void this.renew(), options.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.expiry);
  }

  private armExpiry(): void {
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.lose('lease'), this.options.leaseMs);
    this.expiry.unref();
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.stopped) return;
    this.renewing = true;
    const { store, key, token, fence, leaseMs } = this.options;
    try {
      const renewed = await store.extend({ key, token, fence, leaseMs });
      if (this.stopped) return;
      if (renewed) this.armExpiry();
      else this.lose('extend');
    } catch (error) {
      // The lease may still be ours; the expiry timer decides when it can no longer be.
      this.options.emit({
        type: 'store_error',
        keyHash: this.options.keyHash(),
        operation: 'extend',
        error,
      });
    } finally {
      this.renewing = false;
    }
  }

  private lose(operation: 'extend' | 'lease'): void {
    if (this.stopped || this.controller.signal.aborted) return;
    this.stop();
    const { fence } = this.options;
    this.options.emit({ type: 'fenced', keyHash: this.options.keyHash(), fence, operation });
    const reason =
      operation === 'extend'
        ? 'Another attempt took over this key; stop writing on behalf of this one.'
        : 'The lease on this key ran out before it could be renewed; another attempt may take over.';
    this.controller.abort(new OwnershipLostError(reason, fence));
  }
}
