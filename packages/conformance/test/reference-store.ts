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
} from '@oncely/core';

/**
 * A small, correct Store for testing the suite itself: a Map with the caller's clock. Every
 * operation runs in one synchronous turn, which makes it atomic in one process. The broken
 * variants in broken-stores.ts subclass it and override one hook each.
 */

export interface Entry {
  state: 'in_progress' | 'completed' | 'released';
  fingerprint: string;
  token: string;
  fence: number;
  /** When the lease ends (caller clock, ms). */
  leaseEndsAt: number;
  /** When the entry stops being retained (caller clock, ms). */
  expiresAt: number;
  /** When the acquire that made this entry ran (caller clock, ms). */
  acquiredAt: number;
  result?: Uint8Array;
}

/** What several instances share, as instances of a networked store share a server. */
export class ReferenceBackend {
  readonly entries = new Map<string, Entry>();
  now(): number {
    return performance.now();
  }
}

export type Operation = 'complete' | 'release' | 'extend';
export type Decision = { acquired: false; record: StoreRecord } | { acquired: true; fence: number };

export class ReferenceStore implements Store {
  readonly capabilities: StoreCapabilities;
  private closed = false;

  constructor(
    protected readonly backend: ReferenceBackend = new ReferenceBackend(),
    capabilities: Partial<StoreCapabilities> = {},
  ) {
    this.capabilities = {
      maxResultBytes: 2 * 1024 * 1024,
      clock: 'caller',
      sharedAcrossInstances: true,
      ...capabilities,
    };
  }

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    this.open();
    const now = this.backend.now();
    const decision = this.decideAcquire(input, now);
    if (decision.acquired) this.writeAcquired(input, decision.fence, now);
    return decision;
  }

  async complete(input: CompleteInput): Promise<boolean> {
    this.open();
    if (this.tooLarge(input.result)) {
      throw new ResultTooLargeError(input.result.byteLength, this.capabilities.maxResultBytes);
    }
    const now = this.backend.now();
    const entry = this.read(input.key, now);
    if (!entry || entry.state === 'released' || !this.owns(entry, input, 'complete')) return false;
    if (entry.state === 'in_progress' && !this.mayCompleteInProgress(entry, now)) return false;
    if (entry.state === 'completed' && !this.mayRepeatComplete()) return false;
    this.write(input.key, {
      ...entry,
      state: 'completed',
      result: this.copyIn(input.result),
      expiresAt: this.completedExpiry(entry, now, input.ttlMs),
    });
    return true;
  }

  async release(input: OwnerInput): Promise<boolean> {
    this.open();
    const now = this.backend.now();
    const entry = this.read(input.key, now);
    if (entry?.state !== 'in_progress' || !this.owns(entry, input, 'release')) {
      return false;
    }
    this.writeReleased(input.key, entry);
    return true;
  }

  async extend(input: ExtendInput): Promise<boolean> {
    this.open();
    const now = this.backend.now();
    const entry = this.read(input.key, now);
    if (!entry || !this.extendable(entry) || !this.owns(entry, input, 'extend')) return false;
    this.writeExtended(input.key, entry, now + input.leaseMs);
    return true;
  }

  async get(key: string): Promise<StoreRecord | undefined> {
    this.open();
    const now = this.backend.now();
    const entry = this.readForGet(key, now);
    return entry && this.view(entry, now);
  }

  async delete(key: string): Promise<void> {
    this.open();
    this.backend.entries.delete(this.slot(key));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---- hooks (one per rule, so a broken variant can break exactly one) ----

  protected decideAcquire(input: AcquireInput, now: number): Decision {
    const entry = this.readForAcquire(input.key, now);
    if (!entry || entry.state === 'released') {
      return { acquired: true, fence: this.nextFence(entry) };
    }
    if (entry.state === 'in_progress' && this.mayTakeOver(entry, input, now)) {
      return { acquired: true, fence: this.takeoverFence(entry) };
    }
    return { acquired: false, record: this.view(entry, now) as StoreRecord };
  }

  protected writeAcquired(input: AcquireInput, fence: number, now: number): void {
    this.write(input.key, {
      state: 'in_progress',
      fingerprint: input.fingerprint,
      token: input.token,
      fence,
      leaseEndsAt: now + input.leaseMs,
      expiresAt: now + input.ttlMs,
      acquiredAt: now,
    });
  }

  protected writeReleased(key: string, entry: Entry): void {
    // Keep the fence (and the retention) so the next acquire gets a larger fence.
    this.write(key, { ...entry, state: 'released' });
  }

  protected writeExtended(key: string, entry: Entry, leaseEndsAt: number): void {
    this.write(key, { ...entry, leaseEndsAt, expiresAt: Math.max(entry.expiresAt, leaseEndsAt) });
  }

  protected extendable(entry: Entry): boolean {
    return entry.state === 'in_progress';
  }

  protected nextFence(previous: Entry | undefined): number {
    return (previous?.fence ?? 0) + 1;
  }

  protected takeoverFence(entry: Entry): number {
    return entry.fence + 1;
  }

  protected mayTakeOver(entry: Entry, input: AcquireInput, now: number): boolean {
    return entry.leaseEndsAt <= now && entry.fingerprint === input.fingerprint;
  }

  protected mayCompleteInProgress(_entry: Entry, _now: number): boolean {
    return true;
  }

  protected tooLarge(result: Uint8Array): boolean {
    return result.byteLength > this.capabilities.maxResultBytes;
  }

  protected mayRepeatComplete(): boolean {
    return true;
  }

  protected owns(entry: Entry, input: OwnerInput, _operation: Operation): boolean {
    return entry.token === input.token && entry.fence === input.fence;
  }

  /** Where a key lives in the backend: the key itself, untouched. */
  protected slot(key: string): string {
    return key;
  }

  protected isExpired(entry: Entry, now: number): boolean {
    return now >= entry.expiresAt;
  }

  /** The retained entry for `key`; an expired one is removed and reads as absent. */
  protected read(key: string, now: number): Entry | undefined {
    const slot = this.slot(key);
    const entry = this.backend.entries.get(slot);
    if (entry && this.isExpired(entry, now)) {
      this.backend.entries.delete(slot);
      return undefined;
    }
    return entry;
  }

  protected readForAcquire(key: string, now: number): Entry | undefined {
    return this.read(key, now);
  }

  protected readForGet(key: string, now: number): Entry | undefined {
    return this.read(key, now);
  }

  protected write(key: string, entry: Entry): void {
    this.backend.entries.set(this.slot(key), entry);
  }

  protected view(entry: Entry, now: number): StoreRecord | undefined {
    if (entry.state === 'released') return undefined;
    if (entry.state === 'in_progress') {
      return {
        state: 'in_progress',
        fingerprint: entry.fingerprint,
        fence: entry.fence,
        leaseRemainingMs: this.leaseRemaining(entry, now),
      };
    }
    return {
      state: 'completed',
      fingerprint: entry.fingerprint,
      fence: entry.fence,
      result: this.copyOut(entry.result ?? new Uint8Array(0)),
      ttlRemainingMs: this.ttlRemaining(entry, now),
    };
  }

  protected ttlRemaining(entry: Entry, now: number): number {
    return Math.max(0, Math.ceil(entry.expiresAt - now));
  }

  /** A completed record lives `ttlMs` from its completion. */
  protected completedExpiry(_entry: Entry, now: number, ttlMs: number): number {
    return now + ttlMs;
  }

  protected leaseRemaining(entry: Entry, now: number): number {
    return Math.max(0, Math.ceil(entry.leaseEndsAt - now));
  }

  protected copyIn(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(bytes); // a copy, even of a Buffer (whose slice() is a view)
  }

  protected copyOut(bytes: Uint8Array): Uint8Array {
    return new Uint8Array(bytes); // a copy, even of a Buffer (whose slice() is a view)
  }

  private open(): void {
    if (this.closed) throw new Error('ReferenceStore: used after close()');
  }
}

/** `createStore` for the suite: every instance shares one backend. */
export function referenceStoreFactory(capabilities: Partial<StoreCapabilities> = {}): () => Store {
  const backend = new ReferenceBackend();
  return () => new ReferenceStore(backend, capabilities);
}
