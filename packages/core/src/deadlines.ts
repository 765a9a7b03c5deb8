/** A call in flight, linked into the list of calls the sweep checks. */
interface Pending {
  deadline: number;
  reject: (error: Error) => void;
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

  bound<R>(call: Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const entry: Pending = {
        deadline: performance.now() + this.timeoutMs,
        reject,
        previous: undefined,
        next: this.head,
      };
      if (this.head) this.head.previous = entry;
      this.head = entry;
      if (!this.timer) {
        this.timer = setInterval(() => this.sweep(), this.sweepMs);
        this.timer.unref();
      }
      call.then(
        (value) => {
          this.remove(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.remove(entry);
          reject(error);
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
        entry.reject(new Error(`no answer within ${this.timeoutMs} ms`));
      }
      entry = next;
    }
    if (!this.head) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
