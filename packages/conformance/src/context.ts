import { randomUUID } from 'node:crypto';
import type { Store } from '@oncely/core';
import type { ResolvedConformanceOptions } from './options.js';
import {
  inProcessRacers,
  RACERS,
  type RaceCall,
  type RaceReply,
  type Racers,
  raceSpread,
} from './race.js';
import { WorkerRacers } from './workers/worker-pool.js';

export type KeySuffix = string | ((base: string) => string);

/** What a check gets: store instances, fresh identities, and time in units. */
export interface CheckContext {
  /** The first store instance, made before the check started. */
  readonly store: Store;
  /** Another instance of the same backend (for cross-instance checks); destroyed after the check. */
  openStore(): Promise<Store>;
  /** The base duration for time-based checks. */
  readonly unitMs: number;
  /** A lease or ttl that outlives any check, for records that must not lapse while checked. */
  readonly longMs: number;
  /** A key no other check or run uses. */
  key(): string;
  /**
   * Keys that share one fresh base and end in the given suffixes exactly, so they differ only
   * where the suffixes differ (for key-isolation checks). A suffix may be computed from the
   * base, e.g. to pad keys to an exact length.
   */
  keys(...suffixes: KeySuffix[]): string[];
  /** A fresh fingerprint. */
  fingerprint(): string;
  /** A fresh owner token (a UUID, as the engine makes them). */
  token(): string;
  /** Sleep for `units` × `unitMs`. */
  sleepUnits(units: number): Promise<void>;
  /**
   * Fires every call at once, spread over the racers (call i to racer i % 4), and returns the
   * replies in the order of `calls`. The racers are four worker threads when the suite was
   * given `workers` and the store shares records across instances; else four instances of this
   * process (one when the store does not share records across instances).
   */
  race(calls: RaceCall[]): Promise<RaceReply[]>;
  /** Where `race` runs its calls, for failure messages; known once `race` ran. */
  raceWhere(): string;
}

/**
 * One check's resources. Keys are random per check because the backend is shared across
 * runs and never flushed; the keys a check used are deleted afterwards on a best-effort
 * basis, and every instance it opened is destroyed.
 */
export class CheckSession {
  private readonly stores: Store[] = [];
  private readonly usedKeys: string[] = [];
  private bases = 0;
  private readonly keyBase = `oncely-conformance:${randomUUID()}:`;
  private racers: Promise<Racers> | undefined;
  private workerRacers: WorkerRacers | undefined;

  constructor(private readonly options: ResolvedConformanceOptions) {}

  async openStore(): Promise<Store> {
    const store = await this.options.createStore();
    if (typeof store !== 'object' || store === null) {
      throw new TypeError('createStore() must return a Store object');
    }
    this.stores.push(store);
    return store;
  }

  context(store: Store): CheckContext {
    const unitMs = this.options.unitMs;
    return {
      store,
      openStore: () => this.openStore(),
      unitMs,
      longMs: Math.max(60_000, 100 * unitMs),
      key: () => this.makeKeys(['k'])[0] as string,
      keys: (...suffixes) => this.makeKeys(suffixes),
      fingerprint: () => `fp-${randomUUID()}`,
      token: () => randomUUID(),
      sleepUnits: (units) => new Promise((resolve) => setTimeout(resolve, units * unitMs)),
      race: async (calls) => raceSpread(await this.racersFor(store), RACERS, calls),
      raceWhere: () => this.where,
    };
  }

  private where = 'not raced yet';

  private racersFor(store: Store): Promise<Racers> {
    this.racers ??= (async () => {
      let racers: Racers;
      if (!store.capabilities.sharedAcrossInstances) racers = inProcessRacers([store]);
      else if (this.options.workers) {
        this.workerRacers = await WorkerRacers.start(this.options.workers, RACERS);
        racers = this.workerRacers;
      } else {
        const others = await Promise.all(
          Array.from({ length: RACERS - 1 }, () => this.openStore()),
        );
        racers = inProcessRacers([store, ...others]);
      }
      this.where = racers.where;
      return racers;
    })();
    return this.racers;
  }

  private makeKeys(suffixes: KeySuffix[]): string[] {
    const base = `${this.keyBase}${this.bases++}:`;
    const made = suffixes.map(
      (suffix) => base + (typeof suffix === 'string' ? suffix : suffix(base)),
    );
    this.usedKeys.push(...made);
    return made;
  }

  /** Deletes the check's keys (errors ignored: the check already said what matters), then destroys every instance. */
  async dispose(): Promise<void> {
    const first = this.stores[0];
    if (first) {
      await Promise.allSettled(this.usedKeys.map((key) => first.delete(key)));
    }
    const results = await Promise.allSettled([
      ...this.stores.map((store) => this.options.destroyStore(store)),
      ...(this.workerRacers ? [this.workerRacers.close()] : []),
    ]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure && failure.status === 'rejected') throw failure.reason;
  }
}
