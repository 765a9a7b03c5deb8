import {
  type AcquireInput,
  type AcquireResult,
  type CompleteInput,
  type ExtendInput,
  type OwnerInput,
  ResultTooLargeError,
  type Store,
  type StoreCapabilities,
  type StoreRecord,
  StoreUnavailableError,
} from '@oncely/core';
import {
  completedExpiresAt,
  completedFence,
  completedFingerprint,
  completedResult,
  completedToken,
  encodeCompleted,
} from './completed-record.js';
import { type ActiveEntry, entrySize, type SettledEntry } from './entries.js';
import {
  type MemoryStoreOptions,
  type ResolvedMemoryOptions,
  resolveMemoryOptions,
} from './options.js';
import { SettledRecords } from './settled-records.js';

export interface MemoryStoreStats {
  /** In-progress records held now. */
  inProgress: number;
  /** Completed records and released keys held now. */
  settled: number;
  /** Bytes the settled records take (bounded by `maxBytes`). */
  settledBytes: number;
  /** Completed records pushed out by the bounds before their TTL ended. */
  evictions: number;
}

/**
 * A store in this process's memory. Every operation runs to completion synchronously (its
 * methods are async only to return promises; nothing inside awaits between a check and its
 * write), so concurrent calls in one process never interleave. In-progress records live in a
 * map that is never evicted; completed records in a bounded one that evicts the oldest written
 * first. Records do not survive a restart and are not shared between processes.
 */
export class MemoryStore implements Store {
  readonly capabilities: StoreCapabilities;
  private readonly options: ResolvedMemoryOptions;
  private readonly active = new Map<string, ActiveEntry>();
  private readonly settled: SettledRecords;
  // One counter for every key: fences keep growing even after a record was evicted.
  private lastFence = 0;
  private evictions = 0;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.options = resolveMemoryOptions(options);
    this.capabilities = Object.freeze({
      maxResultBytes: this.options.maxResultBytes,
      clock: 'caller',
      sharedAcrossInstances: false,
    });
    this.settled = new SettledRecords(this.options, (entry) => {
      if (typeof entry === 'string' && completedExpiresAt(entry) > Date.now()) this.evictions++;
    });
  }

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    this.assertOpen();
    const now = Date.now();
    const { key, fingerprint } = input;
    const current = this.liveActive(key, now);
    if (current) {
      if (current.leaseEndsAt <= now && current.fingerprint === fingerprint) {
        current.token = flat(input.token);
        current.fence = ++this.lastFence;
        current.leaseEndsAt = now + input.leaseMs;
        current.retainUntil = now + input.ttlMs;
        return { acquired: true, fence: current.fence };
      }
      return { acquired: false, record: inProgressView(current, now) };
    }
    const settled = this.liveSettled(key, now);
    if (typeof settled === 'string') {
      return { acquired: false, record: completedView(settled, now) };
    }
    if (settled) this.settled.delete(key);
    this.makeRoomForInProgress(now);
    const fence = ++this.lastFence;
    this.active.set(flat(key), {
      fingerprint: flat(fingerprint),
      token: flat(input.token),
      fence,
      leaseEndsAt: now + input.leaseMs,
      retainUntil: now + Math.max(input.ttlMs, input.leaseMs),
    });
    return { acquired: true, fence };
  }

  async complete(input: CompleteInput): Promise<boolean> {
    this.assertOpen();
    const { key, token, fence, result } = input;
    if (result.byteLength > this.options.maxResultBytes) {
      throw new ResultTooLargeError(result.byteLength, this.options.maxResultBytes);
    }
    const now = Date.now();
    const current = this.liveActive(key, now);
    const settled = current ? undefined : this.liveSettled(key, now);
    let fingerprint: string;
    if (current) {
      if (current.token !== token || current.fence !== fence) return false;
      fingerprint = current.fingerprint;
    } else {
      // The same owner completing again (a retried call) replaces its own result.
      if (typeof settled !== 'string') return false;
      if (completedFence(settled) !== fence || completedToken(settled) !== token) return false;
      fingerprint = completedFingerprint(settled);
    }
    const entry = encodeCompleted({
      fingerprint,
      token,
      fence,
      expiresAt: now + input.ttlMs,
      result,
    });
    if (entrySize(key, entry) > this.options.maxBytes) {
      throw new ResultTooLargeError(entrySize(key, entry), this.options.maxBytes);
    }
    this.active.delete(key);
    this.settled.set(flat(key), entry);
    return true;
  }

  async release({ key, token, fence }: OwnerInput): Promise<boolean> {
    this.assertOpen();
    const now = Date.now();
    const current = this.liveActive(key, now);
    if (!current || current.token !== token || current.fence !== fence) return false;
    this.active.delete(key);
    this.settled.set(flat(key), { fence, expiresAt: current.retainUntil });
    return true;
  }

  async extend({ key, token, fence, leaseMs }: ExtendInput): Promise<boolean> {
    this.assertOpen();
    const now = Date.now();
    const current = this.liveActive(key, now);
    if (!current || current.token !== token || current.fence !== fence) return false;
    current.leaseEndsAt = now + leaseMs;
    current.retainUntil = Math.max(current.retainUntil, current.leaseEndsAt);
    return true;
  }

  async get(key: string): Promise<StoreRecord | undefined> {
    this.assertOpen();
    const now = Date.now();
    const current = this.liveActive(key, now);
    if (current) return inProgressView(current, now);
    const settled = this.liveSettled(key, now);
    return typeof settled === 'string' ? completedView(settled, now) : undefined;
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    this.active.delete(key);
    this.settled.delete(key);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.active.clear();
    this.settled.clear();
  }

  /** What the store holds now, for metrics and capacity planning. */
  stats(): MemoryStoreStats {
    return {
      inProgress: this.active.size,
      settled: this.settled.size,
      settledBytes: this.settled.calculatedSize,
      evictions: this.evictions,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('The memory store was closed.');
  }

  private liveActive(key: string, now: number): ActiveEntry | undefined {
    const entry = this.active.get(key);
    if (entry && entry.retainUntil <= now) {
      this.active.delete(key);
      return undefined;
    }
    return entry;
  }

  private liveSettled(key: string, now: number): SettledEntry | undefined {
    const entry = this.settled.get(key);
    if (entry === undefined) return undefined;
    const expiresAt = typeof entry === 'string' ? completedExpiresAt(entry) : entry.expiresAt;
    if (expiresAt <= now) {
      this.settled.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * In-progress records are never evicted while their lease runs. When the map is full, drop
   * the ones past retention and then those whose lease lapsed; if it is still full, fail
   * closed rather than forget a running operation.
   */
  private makeRoomForInProgress(now: number): void {
    if (this.active.size < this.options.maxInProgress) return;
    for (const [key, entry] of this.active) {
      if (entry.retainUntil <= now || entry.leaseEndsAt <= now) this.active.delete(key);
    }
    if (this.active.size >= this.options.maxInProgress) {
      throw new StoreUnavailableError(
        `The memory store already holds ${this.options.maxInProgress} operations in progress (maxInProgress).`,
      );
    }
  }
}

/**
 * The same string, flattened. A string built by concatenation (the engine's namespaced key,
 * crypto.randomUUID's token, a fingerprint joined from parts) is a tree of cons cells that
 * stays a tree until something reads its characters, which a Map never does: a UUID kept so
 * holds about 480 bytes instead of 56, for as long as the record lives. Reading one character
 * makes V8 flatten it in place, and the garbage collector then drops the cells.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

function inProgressView(entry: ActiveEntry, now: number): StoreRecord {
  return {
    state: 'in_progress',
    fingerprint: entry.fingerprint,
    fence: entry.fence,
    leaseRemainingMs: Math.max(0, entry.leaseEndsAt - now),
  };
}

function completedView(record: string, now: number): StoreRecord {
  return {
    state: 'completed',
    fingerprint: completedFingerprint(record),
    fence: completedFence(record),
    result: completedResult(record),
    ttlRemainingMs: completedExpiresAt(record) - now,
  };
}
