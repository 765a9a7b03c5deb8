import type { AcquireInput, AcquireResult, OwnerInput, Store, StoreRecord } from '@oncely/core';
import type { CheckName } from '../src/index.js';
import { BROKEN_TRANSITION_STORES } from './broken-transitions.js';
import { type Entry, type Operation, ReferenceBackend, ReferenceStore } from './reference-store.js';

/**
 * Stores that each break one rule of the contract the way real stores get it wrong. The
 * self-test runs the suite against each and requires `caughtBy` to fail.
 */
export interface BrokenStore {
  name: string;
  /** What is wrong, in the words of a bug report. */
  flaw: string;
  /** The check that must catch it (others may catch it too). */
  caughtBy: CheckName;
  /** Makes a `createStore` whose instances share one backend. */
  factory(): () => Store;
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function shared(make: (backend: ReferenceBackend) => Store): () => () => Store {
  return () => {
    const backend = new ReferenceBackend();
    return () => make(backend);
  };
}

/** Reads, awaits, then writes: the classic get-then-set race. */
class NonAtomicAcquire extends ReferenceStore {
  override async acquire(input: AcquireInput): Promise<AcquireResult> {
    const decision = this.decideAcquire(input, this.backend.now());
    if (decision.acquired) {
      await yieldTurn(); // e.g. a GET, then a SET in a second round trip
      this.writeAcquired(input, decision.fence, this.backend.now());
    }
    return decision;
  }
}

/** Serialises acquires inside one instance (a local mutex), but not across instances. */
class LocallyLockedAcquire extends NonAtomicAcquire {
  private queue: Promise<unknown> = Promise.resolve();
  override acquire(input: AcquireInput): Promise<AcquireResult> {
    const next = this.queue.then(() => super.acquire(input));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

class CompleteWithoutOwnerCheck extends ReferenceStore {
  protected override owns(entry: Entry, input: OwnerInput, operation: Operation): boolean {
    return operation === 'complete' || super.owns(entry, input, operation);
  }
}

class ReleaseWithoutOwnerCheck extends ReferenceStore {
  protected override owns(entry: Entry, input: OwnerInput, operation: Operation): boolean {
    return operation === 'release' || super.owns(entry, input, operation);
  }
}

class ExtendWithoutOwnerCheck extends ReferenceStore {
  protected override owns(entry: Entry, input: OwnerInput, operation: Operation): boolean {
    return operation === 'extend' || super.owns(entry, input, operation);
  }
}

/** Checks the token but not the fence. */
class OwnerCheckIgnoresFence extends ReferenceStore {
  protected override owns(entry: Entry, input: OwnerInput): boolean {
    return entry.token === input.token;
  }
}

/** Trusts the backend's own TTL on reads, which deletes late. */
class GetReturnsExpired extends ReferenceStore {
  protected override readForGet(key: string): Entry | undefined {
    return this.backend.entries.get(this.slot(key));
  }
  protected override view(entry: Entry, now: number): StoreRecord | undefined {
    return super.view(entry, Math.min(now, entry.expiresAt - 1));
  }
}

/** Treats an expired record as live when acquiring. */
class NoExpiryOnAcquire extends ReferenceStore {
  protected override readForAcquire(key: string): Entry | undefined {
    return this.backend.entries.get(this.slot(key));
  }
}

class FenceNotIncreasingOnTakeover extends ReferenceStore {
  protected override takeoverFence(entry: Entry): number {
    return entry.fence;
  }
}

/** Deletes the record on release, so the fence sequence starts again. */
class ReleaseForgetsFence extends ReferenceStore {
  protected override writeReleased(key: string): void {
    this.backend.entries.delete(this.slot(key));
  }
}

class TakeoverRegardlessOfFingerprint extends ReferenceStore {
  protected override mayTakeOver(entry: Entry, _input: AcquireInput, now: number): boolean {
    return entry.leaseEndsAt <= now;
  }
}

/** Stores results as text: bytes that are not valid UTF-8 come back as U+FFFD. */
class Utf8RoundTrip extends ReferenceStore {
  protected override copyIn(bytes: Uint8Array): Uint8Array {
    return new TextEncoder().encode(new TextDecoder().decode(bytes));
  }
}

/** Keeps the caller's buffer and hands out its own: later writes to either change the record. */
class AliasesBuffers extends ReferenceStore {
  protected override copyIn(bytes: Uint8Array): Uint8Array {
    return bytes;
  }
  protected override copyOut(bytes: Uint8Array): Uint8Array {
    return bytes;
  }
}

/** Fits keys into a fixed-width column by cutting them. */
class TruncatesKeys extends ReferenceStore {
  protected override slot(key: string): string {
    return key.slice(0, 255);
  }
}

class NormalizesKeys extends ReferenceStore {
  protected override slot(key: string): string {
    return key.normalize('NFC');
  }
}

/** A case-insensitive collation (e.g. a MySQL _ci column). */
class CaseInsensitiveKeys extends ReferenceStore {
  protected override slot(key: string): string {
    return key.toLowerCase();
  }
}

/** Returns true from extend without moving the lease. */
class ExtendDoesNothing extends ReferenceStore {
  protected override writeExtended(): void {}
}

class ExtendsCompletedRecords extends ReferenceStore {
  protected override extendable(entry: Entry): boolean {
    return entry.state !== 'released';
  }
  protected override writeExtended(key: string, entry: Entry, leaseEndsAt: number): void {
    if (entry.state === 'in_progress') super.writeExtended(key, entry, leaseEndsAt);
  }
}

/** Requires a live lease to complete, losing the result of an owner that ran long. */
class RefusesCompleteAfterLapse extends ReferenceStore {
  protected override mayCompleteInProgress(entry: Entry, now: number): boolean {
    return entry.leaseEndsAt > now;
  }
}

/** complete is a compare-and-set on `in_progress` only, so a retried complete says false. */
class RepeatCompleteRefused extends ReferenceStore {
  protected override mayRepeatComplete(): boolean {
    return false;
  }
}

/** Declares a limit but never enforces it. */
class IgnoresResultLimit extends ReferenceStore {
  protected override tooLarge(): boolean {
    return false;
  }
}

/** Reports the lease end as a timestamp instead of the time remaining. */
class LeaseAsTimestamp extends ReferenceStore {
  protected override leaseRemaining(entry: Entry): number {
    return Math.ceil(Date.now() + entry.leaseEndsAt - this.backend.now());
  }
}

class DeleteDoesNothing extends ReferenceStore {
  override async delete(): Promise<void> {}
}

const FIRST_BROKEN_STORES: BrokenStore[] = [
  {
    name: 'non-atomic acquire',
    flaw: 'checks for a record, awaits, then writes (get-then-set)',
    caughtBy: 'acquire: exactly one winner among 100 concurrent acquires',
    factory: shared((backend) => new NonAtomicAcquire(backend)),
  },
  {
    name: 'per-instance lock',
    flaw: 'a local mutex makes acquire atomic in one instance only',
    caughtBy: 'acquire: exactly one winner among 4 instances x 25 concurrent acquires',
    factory: shared((backend) => new LocallyLockedAcquire(backend)),
  },
  {
    name: 'unshared instances',
    flaw: 'declares sharedAcrossInstances: true, but each instance keeps its own records',
    caughtBy: 'acquire: exactly one winner among 4 instances x 25 concurrent acquires',
    factory: () => () => new ReferenceStore(new ReferenceBackend()),
  },
  {
    name: 'complete without owner check',
    flaw: 'complete writes whoever calls it',
    caughtBy: 'fencing: a stale owner cannot complete after a takeover',
    factory: shared((backend) => new CompleteWithoutOwnerCheck(backend)),
  },
  {
    name: 'release without owner check',
    flaw: 'release frees the key whoever calls it',
    caughtBy: 'fencing: a stale owner cannot release after a takeover',
    factory: shared((backend) => new ReleaseWithoutOwnerCheck(backend)),
  },
  {
    name: 'extend without owner check',
    flaw: 'extend renews the lease whoever calls it',
    caughtBy: 'fencing: a stale owner cannot extend after a takeover',
    factory: shared((backend) => new ExtendWithoutOwnerCheck(backend)),
  },
  {
    name: 'owner check ignores the fence',
    flaw: 'complete, release and extend compare the token only',
    caughtBy: 'ownership: a wrong fence is refused by complete, release and extend',
    factory: shared((backend) => new OwnerCheckIgnoresFence(backend)),
  },
  {
    name: 'get returns expired records',
    flaw: 'get trusts the backend TTL, which deletes late',
    caughtBy: 'ttl: a completed record expires, then get returns undefined and acquire wins',
    factory: shared((backend) => new GetReturnsExpired(backend)),
  },
  {
    name: 'no expiry check on acquire',
    flaw: 'acquire treats an expired record as live',
    caughtBy: 'ttl: an in-progress record expires after its retention',
    factory: shared((backend) => new NoExpiryOnAcquire(backend)),
  },
  {
    name: 'fence not increasing on takeover',
    flaw: 'a takeover keeps the previous owner fence',
    caughtBy: 'lease: after the lease lapses the same fingerprint takes over with a larger fence',
    factory: shared((backend) => new FenceNotIncreasingOnTakeover(backend)),
  },
  {
    name: 'release forgets the fence',
    flaw: 'release deletes the record, so the next acquire starts the fences again',
    caughtBy:
      'release: frees the key and the next acquire wins with a larger fence, whatever its fingerprint',
    factory: shared((backend) => new ReleaseForgetsFence(backend)),
  },
  {
    name: 'takeover regardless of fingerprint',
    flaw: 'any request takes over a lapsed lease',
    caughtBy: 'lease: a lapsed lease is not taken over by a different fingerprint',
    factory: shared((backend) => new TakeoverRegardlessOfFingerprint(backend)),
  },
  {
    name: 'bytes through a UTF-8 string',
    flaw: 'the result is stored as text',
    caughtBy: 'replay: all 256 byte values round-trip exactly',
    factory: shared((backend) => new Utf8RoundTrip(backend)),
  },
  {
    name: 'aliased buffers',
    flaw: 'keeps and hands out the same buffer instead of copies',
    caughtBy: "replay: stored bytes do not change when the caller's buffers change",
    factory: shared((backend) => new AliasesBuffers(backend)),
  },
  {
    name: 'keys truncated',
    flaw: 'keys are cut to 255 characters',
    caughtBy: 'keys: 512-character keys round-trip and stay distinct',
    factory: shared((backend) => new TruncatesKeys(backend)),
  },
  {
    name: 'keys normalised',
    flaw: 'keys are NFC-normalised, so NFD and NFC forms collide',
    caughtBy: 'keys: NFC and NFD forms of the same text are different keys',
    factory: shared((backend) => new NormalizesKeys(backend)),
  },
  {
    name: 'keys case-insensitive',
    flaw: 'keys are compared without case',
    caughtBy: 'keys: keys differing only in case are independent',
    factory: shared((backend) => new CaseInsensitiveKeys(backend)),
  },
  {
    name: 'extend does nothing',
    flaw: 'extend returns true without moving the lease',
    caughtBy: 'extend: an extended lease outlives its original end',
    factory: shared((backend) => new ExtendDoesNothing(backend)),
  },
  {
    name: 'extends completed records',
    flaw: 'extend returns true for a completed record',
    caughtBy: 'extend: a completed record cannot be extended',
    factory: shared((backend) => new ExtendsCompletedRecords(backend)),
  },
  {
    name: 'refuses complete after lapse',
    flaw: 'complete requires a live lease even when no one took over',
    caughtBy: 'complete: the owner can complete after its lease lapsed when no one took over',
    factory: shared((backend) => new RefusesCompleteAfterLapse(backend)),
  },
  {
    name: 'repeat complete refused',
    flaw: 'a retried complete by the same owner returns false',
    caughtBy: 'complete: repeating complete by the same owner returns true',
    factory: shared((backend) => new RepeatCompleteRefused(backend)),
  },
  {
    name: 'result limit not enforced',
    flaw: 'declares maxResultBytes but stores larger results',
    caughtBy:
      'limits: a result over maxResultBytes throws ResultTooLargeError and the owner can still complete',
    factory: shared((backend) => new IgnoresResultLimit(backend)),
  },
  {
    name: 'lease as a timestamp',
    flaw: 'leaseRemainingMs holds the lease end time, not the time left',
    caughtBy: 'acquire: the loser gets the in-progress record in the same reply',
    factory: shared((backend) => new LeaseAsTimestamp(backend)),
  },
  {
    name: 'delete does nothing',
    flaw: 'delete leaves the record in place',
    caughtBy: 'delete: removes the record and the key can be acquired again',
    factory: shared((backend) => new DeleteDoesNothing(backend)),
  },
];

export const BROKEN_STORES: BrokenStore[] = [...FIRST_BROKEN_STORES, ...BROKEN_TRANSITION_STORES];
