import type {
  AcquireInput,
  AcquireResult,
  CompleteInput,
  ExtendInput,
  OwnerInput,
} from '@oncely/core';
import type { BrokenStore } from './broken-stores.js';
import { type Decision, type Entry, ReferenceBackend, ReferenceStore } from './reference-store.js';

/**
 * Broken stores for the promises the first suite did not check: atomic transitions other than
 * a fresh key's first write, fences across instances and past a released lease, retention
 * after completion and extension, owner operations in every state, remaining times, and keys
 * that an encoding step merges. Each breaks one sentence of docs/store-contract.md.
 */

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function shared(make: (backend: ReferenceBackend) => ReferenceStore): () => () => ReferenceStore {
  return () => {
    const backend = new ReferenceBackend();
    return () => make(backend);
  };
}

/** Atomic for a fresh key (an insert-if-absent), but read-decide-write for an existing record. */
abstract class NonAtomicFor extends ReferenceStore {
  protected abstract racy(raw: Entry, now: number): boolean;
  override async acquire(input: AcquireInput): Promise<AcquireResult> {
    const now = this.backend.now();
    const raw = this.backend.entries.get(this.slot(input.key));
    if (!raw || !this.racy(raw, now)) return super.acquire(input);
    const decision = this.decideAcquire(input, now);
    if (decision.acquired) {
      await yieldTurn(); // the write is a second round trip
      this.writeAcquired(input, decision.fence, this.backend.now());
    }
    return decision;
  }
}

class NonAtomicTakeover extends NonAtomicFor {
  protected racy(raw: Entry, now: number): boolean {
    return raw.state === 'in_progress' && raw.leaseEndsAt <= now && !this.isExpired(raw, now);
  }
}

class NonAtomicReleasedReacquire extends NonAtomicFor {
  protected racy(raw: Entry, now: number): boolean {
    return raw.state === 'released' && !this.isExpired(raw, now);
  }
}

class NonAtomicExpiredReacquire extends NonAtomicFor {
  protected racy(raw: Entry, now: number): boolean {
    return this.isExpired(raw, now);
  }
}

/** Checks the owner, then writes the result in a second step without checking again. */
class NonAtomicComplete extends ReferenceStore {
  override async complete(input: CompleteInput): Promise<boolean> {
    const entry = this.read(input.key, this.backend.now());
    if (!entry || entry.state === 'released' || !this.owns(entry, input, 'complete')) return false;
    await yieldTurn();
    this.write(input.key, {
      ...entry,
      state: 'completed',
      result: this.copyIn(input.result),
      expiresAt: this.backend.now() + input.ttlMs,
    });
    return true;
  }
}

/** Each instance counts fences itself, from the fences it handed out. */
class PerInstanceFences extends ReferenceStore {
  private readonly handedOut = new Map<string, number>();
  protected override decideAcquire(input: AcquireInput, now: number): Decision {
    const decision = super.decideAcquire(input, now);
    if (!decision.acquired) return decision;
    const fence = (this.handedOut.get(input.key) ?? 0) + 1;
    this.handedOut.set(input.key, fence);
    return { acquired: true, fence };
  }
}

/** Keeps a released marker only until the released lease would have ended. */
class ReleasedKeptForLeaseOnly extends ReferenceStore {
  protected override writeReleased(key: string, entry: Entry): void {
    this.write(key, { ...entry, state: 'released', expiresAt: entry.leaseEndsAt });
  }
}

/** Treats a completed record like an in-progress one once its lease time passed. */
class CompletedTakenOverAfterLease extends ReferenceStore {
  protected override decideAcquire(input: AcquireInput, now: number): Decision {
    const entry = this.readForAcquire(input.key, now);
    if (
      entry?.state === 'completed' &&
      entry.leaseEndsAt <= now &&
      entry.fingerprint === input.fingerprint
    ) {
      return { acquired: true, fence: entry.fence + 1 };
    }
    return super.decideAcquire(input, now);
  }
}

/** Sets the record's expiry to the new lease end, dropping the retention. */
class ExtendDropsRetention extends ReferenceStore {
  protected override writeExtended(key: string, entry: Entry, leaseEndsAt: number): void {
    this.write(key, { ...entry, leaseEndsAt, expiresAt: leaseEndsAt });
  }
}

/** extend moves the lease but not the retention: it reports a lease the record will not outlive. */
class ExtendPastRetentionNotHonoured extends ReferenceStore {
  protected override writeExtended(key: string, entry: Entry, leaseEndsAt: number): void {
    this.write(key, { ...entry, leaseEndsAt });
  }
}

/** "Already completed" is answered true before the owner is compared. */
class CompleteTrustsCompleted extends ReferenceStore {
  override async complete(input: CompleteInput): Promise<boolean> {
    const entry = this.read(input.key, this.backend.now());
    if (entry?.state === 'completed') return true;
    return super.complete(input);
  }
}

/** extend answers true for a released key (its owner matched; the state is not compared). */
class ExtendsReleasedKeys extends ReferenceStore {
  protected override extendable(entry: Entry): boolean {
    return entry.state === 'in_progress' || entry.state === 'released';
  }
  protected override writeExtended(key: string, entry: Entry, leaseEndsAt: number): void {
    if (entry.state === 'in_progress') super.writeExtended(key, entry, leaseEndsAt);
  }
}

class ExtendRequiresLiveLease extends ReferenceStore {
  override async extend(input: ExtendInput): Promise<boolean> {
    const now = this.backend.now();
    const entry = this.read(input.key, now);
    if (entry && entry.leaseEndsAt <= now) return false;
    return super.extend(input);
  }
}

class ReleaseRequiresLiveLease extends ReferenceStore {
  override async release(input: OwnerInput): Promise<boolean> {
    const now = this.backend.now();
    const entry = this.read(input.key, now);
    if (entry && entry.leaseEndsAt <= now) return false;
    return super.release(input);
  }
}

/** complete, release and extend trust the record without checking its expiry. */
class OwnerOperationsIgnoreExpiry extends ReferenceStore {
  protected override read(key: string): Entry | undefined {
    return this.backend.entries.get(this.slot(key));
  }
  protected override readForAcquire(key: string, now: number): Entry | undefined {
    return super.read(key, now);
  }
  protected override readForGet(key: string, now: number): Entry | undefined {
    return super.read(key, now);
  }
}

/** A losing acquire with the owner's fingerprint renews the owner's lease ("keep-alive"). */
class LoserRenewsLease extends ReferenceStore {
  override async acquire(input: AcquireInput): Promise<AcquireResult> {
    const result = await super.acquire(input);
    const now = this.backend.now();
    const entry = this.read(input.key, now);
    if (!result.acquired && entry?.state === 'in_progress') {
      this.write(input.key, { ...entry, leaseEndsAt: now + input.leaseMs });
    }
    return result;
  }
}

class LeaseInSeconds extends ReferenceStore {
  protected override leaseRemaining(entry: Entry, now: number): number {
    return Math.max(0, Math.ceil((entry.leaseEndsAt - now) / 1000));
  }
}

class TtlInSeconds extends ReferenceStore {
  protected override ttlRemaining(entry: Entry, now: number): number {
    return Math.max(0, Math.ceil((entry.expiresAt - now) / 1000));
  }
}

/** Reports the ttl it was given, not the time left. */
class TtlNeverCountsDown extends ReferenceStore {
  private readonly given = new Map<string, number>();
  override async complete(input: CompleteInput): Promise<boolean> {
    const done = await super.complete(input);
    if (done) this.given.set(input.key, input.ttlMs);
    return done;
  }
  protected override ttlRemaining(entry: Entry, now: number): number {
    for (const ttl of this.given.values()) return ttl; // one key per check is enough to show it
    return super.ttlRemaining(entry, now);
  }
}

/** Counts a completed record's ttl from the acquire instead of the complete. */
class TtlFromAcquire extends ReferenceStore {
  protected override completedExpiry(entry: Entry, _now: number, ttlMs: number): number {
    return entry.acquiredAt + ttlMs;
  }
}

/** Adds the new lease to the old lease end instead of counting it from now. */
class ExtendCountsFromOldEnd extends ReferenceStore {
  protected override writeExtended(key: string, entry: Entry, leaseEndsAt: number): void {
    const leaseMs = leaseEndsAt - this.backend.now();
    super.writeExtended(key, entry, entry.leaseEndsAt + leaseMs);
  }
}

/** Keys go through latin1 (e.g. a binary column fed with Buffer.from(key, 'latin1')). */
class Latin1Keys extends ReferenceStore {
  protected override slot(key: string): string {
    return Buffer.from(key, 'latin1').toString('latin1');
  }
}

/** Keys go through UTF-8, which turns every lone surrogate into U+FFFD. */
class Utf8Keys extends ReferenceStore {
  protected override slot(key: string): string {
    return Buffer.from(key, 'utf8').toString('utf8');
  }
}

/** Fits keys into a 1024-character column. */
class KeysCutAt1024 extends ReferenceStore {
  protected override slot(key: string): string {
    return key.slice(0, 1024);
  }
}

/** A PAD SPACE collation: trailing spaces do not count. */
class TrailingSpacesIgnored extends ReferenceStore {
  protected override slot(key: string): string {
    return key.replace(/ +$/, '');
  }
}

/** Fingerprints compared through a case-insensitive, PAD SPACE collation. */
class FingerprintCollation extends ReferenceStore {
  protected override mayTakeOver(entry: Entry, input: AcquireInput, now: number): boolean {
    const fold = (text: string) => text.toLowerCase().replace(/ +$/, '');
    return entry.leaseEndsAt <= now && fold(entry.fingerprint) === fold(input.fingerprint);
  }
}

export const BROKEN_TRANSITION_STORES: BrokenStore[] = [
  {
    name: 'non-atomic takeover',
    flaw: 'a lapsed lease is read, then taken over in a second step',
    caughtBy:
      'race: exactly one takeover among concurrent same-fingerprint acquires of a lapsed lease',
    factory: shared((backend) => new NonAtomicTakeover(backend)),
  },
  {
    name: 'non-atomic re-acquire of a released key',
    flaw: 'a released key is read, then written in a second step',
    caughtBy: 'race: exactly one winner among concurrent acquires of a released key',
    factory: shared((backend) => new NonAtomicReleasedReacquire(backend)),
  },
  {
    name: 'non-atomic re-acquire of an expired record',
    flaw: 'an expired record is read, then overwritten in a second step',
    caughtBy: 'race: exactly one winner among concurrent acquires of an expired record',
    factory: shared((backend) => new NonAtomicExpiredReacquire(backend)),
  },
  {
    name: 'non-atomic complete',
    flaw: 'complete checks the owner, then writes in a second step',
    caughtBy: "race: a lapsed owner's complete racing a takeover: not both succeed",
    factory: shared((backend) => new NonAtomicComplete(backend)),
  },
  {
    name: 'fences counted per instance',
    flaw: 'each instance hands out fences from its own counter',
    caughtBy:
      'fencing: a takeover or re-acquire through another instance gets a larger fence than the first handed out',
    factory: shared((backend) => new PerInstanceFences(backend)),
  },
  {
    name: 'released marker kept for the lease only',
    flaw: 'a released key forgets its fence once the released lease would have ended',
    caughtBy:
      'release: a released key re-acquired after its old lease would have ended keeps growing the fence',
    factory: shared((backend) => new ReleasedKeptForLeaseOnly(backend)),
  },
  {
    name: 'completed record taken over after its lease',
    flaw: 'a same-fingerprint acquire takes over a completed record once its lease time passed',
    caughtBy:
      'replay: a completed record whose lease was shorter than its ttl is replayed after the lease time',
    factory: shared((backend) => new CompletedTakenOverAfterLease(backend)),
  },
  {
    name: 'extend drops the retention',
    flaw: 'extend sets the record expiry to the new lease end',
    caughtBy: 'extend: once an extended lease lapses the record is retained until its ttl',
    factory: shared((backend) => new ExtendDropsRetention(backend)),
  },
  {
    name: 'extended lease not honoured',
    flaw: 'extend past the retention reports the new lease, then the record expires under it',
    caughtBy: 'extend: a lease extended past the retention is honoured while it shows time left',
    factory: shared((backend) => new ExtendPastRetentionNotHonoured(backend)),
  },
  {
    name: 'complete trusts a completed record',
    flaw: 'complete on a completed record returns true whoever calls it',
    caughtBy:
      'ownership: a completed record refuses complete, release and extend with another token or fence',
    factory: shared((backend) => new CompleteTrustsCompleted(backend)),
  },
  {
    name: 'extends released keys',
    flaw: 'extend returns true for a released key',
    caughtBy:
      'ownership: a released key refuses complete, release and extend, from its owner or anyone else',
    factory: shared((backend) => new ExtendsReleasedKeys(backend)),
  },
  {
    name: 'extend requires a live lease',
    flaw: 'an owner whose lease lapsed cannot extend although no one took over',
    caughtBy: 'extend: an owner whose lease lapsed can extend while no one took over',
    factory: shared((backend) => new ExtendRequiresLiveLease(backend)),
  },
  {
    name: 'release requires a live lease',
    flaw: 'an owner whose lease lapsed cannot release although no one took over',
    caughtBy: 'release: an owner whose lease lapsed can release while no one took over',
    factory: shared((backend) => new ReleaseRequiresLiveLease(backend)),
  },
  {
    name: 'owner operations ignore expiry',
    flaw: 'complete, release and extend act on an expired record',
    caughtBy: 'ttl: complete, release and extend on an expired record return false',
    factory: shared((backend) => new OwnerOperationsIgnoreExpiry(backend)),
  },
  {
    name: 'a losing acquire renews the lease',
    flaw: 'an acquire that loses still writes a fresh lease',
    caughtBy: 'acquire: a losing acquire writes nothing',
    factory: shared((backend) => new LoserRenewsLease(backend)),
  },
  {
    name: 'lease in seconds',
    flaw: 'leaseRemainingMs is reported in seconds',
    caughtBy: 'durations: leaseRemainingMs counts down in milliseconds from the acquire',
    factory: shared((backend) => new LeaseInSeconds(backend)),
  },
  {
    name: 'ttl in seconds',
    flaw: 'ttlRemainingMs is reported in seconds',
    caughtBy: 'durations: ttlRemainingMs counts down in milliseconds from the complete',
    factory: shared((backend) => new TtlInSeconds(backend)),
  },
  {
    name: 'ttl never counts down',
    flaw: 'ttlRemainingMs is the ttl given to complete, not the time left',
    caughtBy: 'durations: ttlRemainingMs counts down in milliseconds from the complete',
    factory: shared((backend) => new TtlNeverCountsDown(backend)),
  },
  {
    name: 'ttl counted from the acquire',
    flaw: "a completed record's ttl runs from the acquire, not from the complete",
    caughtBy: 'durations: ttlRemainingMs counts down in milliseconds from the complete',
    factory: shared((backend) => new TtlFromAcquire(backend)),
  },
  {
    name: 'extend counts from the old lease end',
    flaw: 'extend(L) adds L to the old lease end, so more than L is left',
    caughtBy: 'durations: after extend(L) leaseRemainingMs is at most L, counted from the extend',
    factory: shared((backend) => new ExtendCountsFromOldEnd(backend)),
  },
  {
    name: 'keys through latin1',
    flaw: 'only the low byte of each UTF-16 unit of a key is kept',
    caughtBy: 'keys: keys differing only in the high byte of a UTF-16 unit are independent',
    factory: shared((backend) => new Latin1Keys(backend)),
  },
  {
    name: 'keys through UTF-8',
    flaw: 'keys are encoded as UTF-8, which turns lone surrogates into U+FFFD',
    caughtBy: 'keys: keys with lone surrogates are independent records',
    factory: shared((backend) => new Utf8Keys(backend)),
  },
  {
    name: 'keys cut at 1024 characters',
    flaw: 'keys are stored in a 1024-character column',
    caughtBy: 'keys: the longest key the engine stores round-trips and stays distinct',
    factory: shared((backend) => new KeysCutAt1024(backend)),
  },
  {
    name: 'trailing spaces ignored in keys',
    flaw: 'keys are compared through a PAD SPACE collation',
    caughtBy: 'keys: a key and its prefix are independent',
    factory: shared((backend) => new TrailingSpacesIgnored(backend)),
  },
  {
    name: 'fingerprints through a collation',
    flaw: 'fingerprints are compared without case and trailing spaces',
    caughtBy: 'lease: a lapsed lease is not taken over by a different fingerprint',
    factory: shared((backend) => new FingerprintCollation(backend)),
  },
];
