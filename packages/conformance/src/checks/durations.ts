import assert from 'node:assert/strict';
import type { StoreRecord } from '@oncely/core';
import { assertCompleted, assertInProgress, assertLost } from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import { assertCountsDown, assertRemaining, type Span, timed } from '../clock-bounds.js';
import type { CheckContext } from '../context.js';
import { acquireOwner, type CheckGroup, type Owner, owned } from './check.js';

/** Acquires a fresh key with `leaseMs`, timing the call. */
async function timedOwner(context: CheckContext, leaseMs: number, ttlMs = context.longMs) {
  const key = context.key();
  const fingerprint = context.fingerprint();
  const token = context.token();
  const { value, span } = await timed(() =>
    context.store.acquire({ key, fingerprint, token, leaseMs, ttlMs }),
  );
  assert.ok(value.acquired, 'the first acquire of a fresh key wins');
  return { owner: { key, fingerprint, token, fence: value.fence } as Owner, span };
}

async function timedGet(context: CheckContext, key: string) {
  const { value, span } = await timed(() => context.store.get(key));
  return { record: value, read: span };
}

function leaseOf(record: StoreRecord | undefined, owner: Owner, what: string): number {
  assertInProgress(record, { fingerprint: owner.fingerprint, fence: owner.fence }, what);
  return record.leaseRemainingMs;
}

function ttlOf(record: StoreRecord | undefined, owner: Owner, result: Uint8Array, what: string) {
  assertCompleted(record, { fingerprint: owner.fingerprint, fence: owner.fence, result }, what);
  return record.ttlRemainingMs;
}

export const durationChecks: CheckGroup = {
  'durations: leaseRemainingMs counts down in milliseconds from the acquire': {
    async run(context) {
      const leaseMs = context.longMs;
      const { owner, span: started } = await timedOwner(context, leaseMs);
      const first = await timedGet(context, owner.key);
      const firstLease = leaseOf(first.record, owner, 'get after acquire');
      assertRemaining(firstLease, leaseMs, started, first.read, 'leaseRemainingMs from get');
      const loser = await timed(() =>
        context.store.acquire({
          key: owner.key,
          fingerprint: owner.fingerprint,
          token: context.token(),
          leaseMs,
          ttlMs: context.longMs,
        }),
      );
      const loserLease = leaseOf(assertLost(loser.value, 'a second acquire'), owner, 'the loser');
      assertRemaining(
        loserLease,
        leaseMs,
        started,
        loser.span,
        "leaseRemainingMs in a loser's record",
      );
      await context.sleepUnits(2);
      const second = await timedGet(context, owner.key);
      const secondLease = leaseOf(second.record, owner, 'get two units later');
      assertRemaining(
        secondLease,
        leaseMs,
        started,
        second.read,
        'leaseRemainingMs two units later',
      );
      assertCountsDown(
        { remainingMs: firstLease, read: first.read },
        { remainingMs: secondLease, read: second.read },
        'leaseRemainingMs',
      );
    },
  },

  'durations: ttlRemainingMs counts down in milliseconds from the complete': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      // A unit between acquire and complete tells a ttl counted from the complete (right)
      // from one counted from the acquire.
      await context.sleepUnits(1);
      const ttlMs = context.longMs;
      const result = labelledBytes('ttl');
      const completed = await timed(() =>
        context.store.complete({ ...owned(owner), result, ttlMs }),
      );
      assert.equal(completed.value, true, 'the owner completes');
      const started: Span = completed.span;
      const first = await timedGet(context, owner.key);
      const firstTtl = ttlOf(first.record, owner, result, 'get after complete');
      assertRemaining(firstTtl, ttlMs, started, first.read, 'ttlRemainingMs from get');
      const replay = await timed(() =>
        context.store.acquire({
          key: owner.key,
          fingerprint: owner.fingerprint,
          token: context.token(),
          leaseMs: context.longMs,
          ttlMs: context.longMs,
        }),
      );
      const replayTtl = ttlOf(assertLost(replay.value, 'a retry'), owner, result, 'the replay');
      assertRemaining(replayTtl, ttlMs, started, replay.span, "ttlRemainingMs in a retry's record");
      await context.sleepUnits(2);
      const second = await timedGet(context, owner.key);
      const secondTtl = ttlOf(second.record, owner, result, 'get two units later');
      assertRemaining(secondTtl, ttlMs, started, second.read, 'ttlRemainingMs two units later');
      assertCountsDown(
        { remainingMs: firstTtl, read: first.read },
        { remainingMs: secondTtl, read: second.read },
        'ttlRemainingMs',
      );
    },
  },

  'durations: after extend(L) leaseRemainingMs is at most L, counted from the extend': {
    async run(context) {
      // Retained longer than the extended lease, so only the lease is measured here (a lease
      // extended past the retention is the next check's subject).
      const { owner } = await timedOwner(context, 2 * context.unitMs, 2 * context.longMs);
      // A unit into the lease: a lease counted from the old end would show a unit more than L.
      await context.sleepUnits(1);
      const leaseMs = context.longMs;
      const extended = await timed(() => context.store.extend({ ...owned(owner), leaseMs }));
      assert.equal(extended.value, true, 'the owner extends its lease');
      const read = await timedGet(context, owner.key);
      const lease = leaseOf(read.record, owner, 'get after extend');
      assertRemaining(
        lease,
        leaseMs,
        extended.span,
        read.read,
        `leaseRemainingMs after extend(${leaseMs})`,
      );
    },
  },

  'extend: a lease extended past the retention is honoured while it shows time left': {
    async run(context) {
      const { unitMs } = context;
      // Retained for three units, then extended far past that.
      const { owner } = await timedOwner(context, unitMs, 3 * unitMs);
      const extended = await timed(() =>
        context.store.extend({ ...owned(owner), leaseMs: context.longMs }),
      );
      assert.equal(extended.value, true, 'the owner extends its lease past the retention');
      const read = await timedGet(context, owner.key);
      const lease = leaseOf(read.record, owner, 'get after extend');
      // A store either keeps the record until the lease ends, or ends the lease with the
      // retention and says so; what it reports, it must honour.
      await context.sleepUnits(4);
      const later = await timed(() => context.store.get(owner.key));
      const shownUntil = read.read.start + lease;
      if (later.span.end < shownUntil) {
        assertInProgress(
          later.value,
          { fingerprint: owner.fingerprint, fence: owner.fence, liveLeaseMs: context.longMs },
          `${Math.round(later.span.end - read.read.start)} ms after the store showed ${lease} ms of lease left`,
        );
        const reply = await context.store.acquire({
          key: owner.key,
          fingerprint: context.fingerprint(),
          token: context.token(),
          leaseMs: context.longMs,
          ttlMs: context.longMs,
        });
        if (performance.now() < shownUntil) {
          assert.equal(
            reply.acquired,
            false,
            'another request must not win a key whose lease is live',
          );
        }
      }
    },
  },
};
