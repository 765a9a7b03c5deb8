interface Pending {
  deadline: number;
  reject: (error: Error) => void;
}

/**
 * Bounds store calls in time with one timer for all calls in flight, instead of a timer and
 * a race per call: this runs twice on every request. A call that outlives its deadline is
 * rejected at the next sweep, so the bound is the timeout plus at most one sweep interval.
 */
export class Deadlines {
  private readonly pending = new Set<Pending>();
  private readonly sweepMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {
    this.sweepMs = Math.max(5, Math.min(250, Math.floor(timeoutMs / 4)));
  }

  bound<R>(call: Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const entry: Pending = { deadline: performance.now() + this.timeoutMs, reject };
      this.pending.add(entry);
      if (!this.timer) {
        this.timer = setInterval(() => this.sweep(), this.sweepMs);
        this.timer.unref();
      }
      call.then(
        (value) => {
          this.pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.pending.delete(entry);
          reject(error);
        },
      );
    });
  }

  private sweep(): void {
    const now = performance.now();
    for (const entry of this.pending) {
      if (entry.deadline <= now) {
        this.pending.delete(entry);
        entry.reject(new Error(`no answer within ${this.timeoutMs} ms`));
      }
    }
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
