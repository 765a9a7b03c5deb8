import type { StoreConfig } from './store-config.js';

/** What a worker process is told through its environment (`ONCELY_WORKER`, as JSON). */
export interface WorkerConfig {
  store: StoreConfig;
  /** The append-only file every worker writes its side effect to, one JSON line per execution. */
  ledger: string;
  /** The engine's lease, in ms. */
  leaseMs: number;
  /** The engine's storeTimeout, in ms. */
  storeTimeoutMs: number;
  /** How long the handler works before its side effect: a random whole number in [min, max] ms. */
  handlerMs: [number, number];
}

export const WORKER_ENV = 'ONCELY_WORKER';

/** The engine's default prefix: the worker and the checks in the parent agree on stored keys. */
export const ENGINE_PREFIX = 'oncely:';

/** One line of the ledger: the side effect of one execution. */
export interface LedgerEntry {
  /** The idempotency key. */
  k: string;
  /** The fence the engine gave this execution. */
  f: number;
  /** The worker's pid. */
  p: number;
  /** When it was written (ms since the epoch). */
  t: number;
}

/** What a worker prints on stdout, one JSON object a line. */
export type WorkerMessage =
  | { type: 'listening'; port: number }
  | { type: 'handler'; key: string; fence: number }
  /**
   * The longest time this worker took to answer a request so far, from its arrival to the
   * response's end: sent each time it grows. Measured in the worker, so that a busy client
   * (the load generator shares the cores with the workers) does not count its own delays.
   */
  | { type: 'slowest-answer'; ms: number }
  | {
      type: 'event';
      event: string;
      keyHash: string;
      fence?: number;
      operation?: string;
      error?: string;
    };
