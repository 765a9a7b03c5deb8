import type { RunContext } from './engine.js';
import type { LeaseKeeper } from './lease.js';

/**
 * What a handler gets. A class rather than an object literal with a `signal` getter: such a
 * literal is built anew on every request, with a fresh getter function and hidden class each
 * time (ten times the cost of this), and `signal` must stay a getter so the AbortController is
 * made only for handlers that use it.
 */
export class Attempt implements RunContext {
  readonly #lease: LeaseKeeper;

  constructor(
    readonly fence: number,
    lease: LeaseKeeper,
  ) {
    this.#lease = lease;
  }

  get signal(): AbortSignal {
    return this.#lease.signal;
  }
}
