import { unref } from './timers.js';

/** A call in flight, linked into the list of calls the sweep checks. */
interface Pending {
  deadline: number;
  timeoutMs: number;
  fail: (error: unknown) => void;
  previous: Pending | undefined;
  next: Pending | undefined;
}

/**
 * Bounds store calls in time with one timer for all calls in flight, instead of a timer and
 * a race per call: this runs twice on every request. A call that outlives its deadline is
 * rejected at the next sweep, so the bound is the timeout plus at most one sweep interval.
 * Calls in flight form a linked list: adding and removing one allocates nothing beyond its
 * own entry (a Set grows and shrinks its table as calls come and go).
 */
export class Deadlines {
  private head: Pending | undefined;
  private readonly sweepMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {
    this.sweepMs = Math.max(5, Math.min(250, Math.floor(timeoutMs / 4)));
  }

  /**
   * Start `call` and settle with it, or fail when it takes longer than the timeout (the
   * engine's, or a shorter one for a call that must fit what is left of a budget). A failure
   * (a rejection, a synchronous throw, or the timeout) rejects with `failure(error)`: one
   * promise per call, where wrapping this in an async function would make two.
   */
  bound<R>(
    call: () => Promise<R>,
    failure: (error: unknown) => unknown,
    timeoutMs = this.timeoutMs,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const entry: Pending = {
        deadline: performance.now() + timeoutMs,
        timeoutMs,
        // Once only: a call that answers after its timeout must not report a second failure.
        fail: (error) => {
          if (settled) return;
          settled = true;
          reject(failure(error));
        },
        previous: undefined,
        next: this.head,
      };
      if (this.head) this.head.previous = entry;
      this.head = entry;
      if (!this.timer) {
        this.timer = setInterval(() => this.sweep(), this.sweepMs);
        unref(this.timer);
      }
      let pending: Promise<R>;
      try {
        pending = call();
      } catch (error) {
        this.remove(entry);
        entry.fail(error);
        return;
      }
      pending.then(
        (value) => {
          this.remove(entry);
          settled = true;
          resolve(value);
        },
        (error: unknown) => {
          this.remove(entry);
          entry.fail(error);
        },
      );
    });
  }

  private remove(entry: Pending): void {
    if (entry.previous) entry.previous.next = entry.next;
    else if (this.head === entry) this.head = entry.next;
    if (entry.next) entry.next.previous = entry.previous;
    entry.previous = undefined;
    entry.next = undefined;
  }

  private sweep(): void {
    const now = performance.now();
    let entry = this.head;
    while (entry) {
      const next = entry.next;
      if (entry.deadline <= now) {
        this.remove(entry);
        entry.fail(new Error(`no answer within ${entry.timeoutMs} ms`));
      }
      entry = next;
    }
    if (!this.head) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
