import type {
  AcquireInput,
  AcquireResult,
  CompleteInput,
  ExtendInput,
  OwnerInput,
  Store,
  StoreOperation,
  StoreRecord,
} from '@oncely/core';
import { MemoryStore } from '@oncely/memory';

/**
 * A real MemoryStore that remembers the namespaced keys and fingerprints it was given (so a test
 * knows exactly what must never leak) and can be told to fail an operation the way a driver
 * does, with its own error message.
 */
export class RecordingStore implements Store {
  readonly inner = new MemoryStore();
  readonly capabilities = this.inner.capabilities;
  readonly keys = new Set<string>();
  readonly fingerprints = new Set<string>();
  private readonly failing = new Map<StoreOperation, (key: string) => Error>();

  /** Make `operation` throw `error(key)` until `heal` is called. */
  fail(operation: StoreOperation, error: (key: string) => Error): void {
    this.failing.set(operation, error);
  }

  heal(): void {
    this.failing.clear();
  }

  private check(operation: StoreOperation, key: string): void {
    this.keys.add(key);
    const error = this.failing.get(operation);
    if (error) throw error(key);
  }

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    this.fingerprints.add(input.fingerprint);
    this.check('acquire', input.key);
    return this.inner.acquire(input);
  }

  async complete(input: CompleteInput): Promise<boolean> {
    this.check('complete', input.key);
    return this.inner.complete(input);
  }

  async release(input: OwnerInput): Promise<boolean> {
    this.check('release', input.key);
    return this.inner.release(input);
  }

  async extend(input: ExtendInput): Promise<boolean> {
    this.check('extend', input.key);
    return this.inner.extend(input);
  }

  get(key: string): Promise<StoreRecord | undefined> {
    return this.inner.get(key);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
