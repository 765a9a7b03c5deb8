import { fullJitter } from './backoff.js';
import { unref } from './timers.js';

/**
 * Keeps trying to store a result after the caller was told the store failed, for as long as
 * the lease this attempt holds lasts. The operation already ran: if its record is not stored
 * before the lease ends, a retry takes the key over and runs it a second time. Stores come
 * back from short outages, so a few more tries inside the lease close most of that window;
 * after the lease, a retry may already own the key and the fence refuses a late write anyway.
 *
 * The timers are unref'd: a process that exits abandons them, as a crash would.
 */
export function completeWithinLease(options: {
  /** One completion attempt: true stored, false no longer the owner; throws on store failure. */
  attempt: () => Promise<boolean>;
  /** Milliseconds left on the lease. */
  remainingMs: number;
  /** Called once with the outcome: stored, refused (lost the key), or given up at lease end. */
  onSettled: (outcome: 'stored' | 'refused' | 'gave-up') => void;
}): void {
  const deadline = performance.now() + options.remainingMs;
  let ceiling = 100;
  const next = (): void => {
    // Jittered, so keys that failed together in one outage do not retry in one burst.
    const pause = fullJitter(ceiling);
    if (performance.now() + pause >= deadline) {
      options.onSettled('gave-up');
      return;
    }
    const timer = setTimeout(() => {
      options.attempt().then(
        (stored) => options.onSettled(stored ? 'stored' : 'refused'),
        () => {
          ceiling = Math.min(ceiling * 2, 2_000);
          next();
        },
      );
    }, pause);
    unref(timer);
  };
  next();
}
