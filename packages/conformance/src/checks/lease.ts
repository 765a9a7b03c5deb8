import assert from 'node:assert/strict';
import { assertInProgress, assertLost, assertWon } from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import type { CheckContext } from '../context.js';
import {
  acquireOwner,
  type CheckGroup,
  completeAsOwner,
  expectOwnerCompleted,
  type Owner,
  owned,
} from './check.js';

/**
 * A stale owner and the owner that took the key over from it: the first held a one-unit
 * lease, it lapsed, and an acquire with the same fingerprint won with a larger fence.
 */
async function takeover(context: CheckContext): Promise<{ stale: Owner; current: Owner }> {
  const stale = await acquireOwner(context, context.key(), { leaseMs: context.unitMs });
  await context.sleepUnits(2);
  const current = await acquireOwner(
    context,
    stale.key,
    { fingerprint: stale.fingerprint },
    'takeover of a lapsed lease with the same fingerprint',
  );
  assert.ok(
    current.fence > stale.fence,
    `a takeover must get a larger fence: ${current.fence} after ${stale.fence}`,
  );
  return { stale, current };
}

/** The current owner's record is untouched and it can still complete. */
async function assertCurrentOwnerIntact(context: CheckContext, current: Owner): Promise<void> {
  assertInProgress(
    await context.store.get(current.key),
    { fingerprint: current.fingerprint, fence: current.fence, liveLeaseMs: context.longMs },
    "the new owner's record after the stale owner's call",
  );
  const result = labelledBytes('current owner');
  await completeAsOwner(context, current, result, 'the new owner can still complete');
  await expectOwnerCompleted(context, current, result, "the new owner's result");
}

export const leaseChecks: CheckGroup = {
  'lease: after the lease lapses the same fingerprint takes over with a larger fence': {
    async run(context) {
      const first = await acquireOwner(context, context.key(), { leaseMs: context.unitMs });
      await context.sleepUnits(2);
      assertInProgress(
        await context.store.get(first.key),
        { fingerprint: first.fingerprint, fence: first.fence, lapsed: true },
        'get after the lease lapsed (the record is retained)',
      );
      const second = await context.store.acquire({
        key: first.key,
        fingerprint: first.fingerprint,
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      });
      const fence = assertWon(second, 'acquire with the same fingerprint after the lease lapsed');
      assert.ok(fence > first.fence, `the takeover fence ${fence} must exceed ${first.fence}`);
      // The new owner holds a live lease now: a third attempt loses to it.
      const third = await context.store.acquire({
        key: first.key,
        fingerprint: first.fingerprint,
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      });
      assertInProgress(
        assertLost(third, 'acquire after the takeover'),
        { fingerprint: first.fingerprint, fence, liveLeaseMs: context.longMs },
        "the new owner's record",
      );
    },
  },

  'lease: a lapsed lease is not taken over by a different fingerprint': {
    async run(context) {
      const owner = await acquireOwner(context, context.key(), {
        leaseMs: context.unitMs,
        fingerprint: `${context.fingerprint()}-abc`,
      });
      await context.sleepUnits(2);
      // Another request, and fingerprints that differ only by case or a trailing space: a
      // fingerprint is compared byte for byte, never through a collation.
      const others = [
        context.fingerprint(),
        owner.fingerprint.toUpperCase(),
        `${owner.fingerprint} `,
      ];
      for (const fingerprint of others) {
        const reply = await context.store.acquire({
          key: owner.key,
          fingerprint,
          token: context.token(),
          leaseMs: context.longMs,
          ttlMs: context.longMs,
        });
        assertInProgress(
          assertLost(
            reply,
            `acquire with fingerprint ${JSON.stringify(fingerprint)} after the lease lapsed`,
          ),
          { fingerprint: owner.fingerprint, fence: owner.fence, lapsed: true },
          'the retained record still binds the key to its fingerprint',
        );
      }
    },
  },

  'fencing: a stale owner cannot complete after a takeover': {
    async run(context) {
      const { stale, current } = await takeover(context);
      assert.equal(
        await context.store.complete({
          ...owned(stale),
          result: labelledBytes('stale owner'),
          ttlMs: context.longMs,
        }),
        false,
        "the stale owner's complete must be refused",
      );
      await assertCurrentOwnerIntact(context, current);
    },
  },

  'fencing: a stale owner cannot release after a takeover': {
    async run(context) {
      const { stale, current } = await takeover(context);
      assert.equal(
        await context.store.release(owned(stale)),
        false,
        "the stale owner's release must be refused",
      );
      await assertCurrentOwnerIntact(context, current);
    },
  },

  'fencing: a stale owner cannot extend after a takeover': {
    async run(context) {
      const { stale, current } = await takeover(context);
      assert.equal(
        await context.store.extend({ ...owned(stale), leaseMs: 2 * context.longMs }),
        false,
        "the stale owner's extend must be refused",
      );
      await assertCurrentOwnerIntact(context, current);
    },
  },

  'extend: an extended lease outlives its original end': {
    async run(context) {
      const { unitMs } = context;
      const owner = await acquireOwner(context, context.key(), { leaseMs: 2 * unitMs });
      await context.sleepUnits(1);
      assert.equal(
        await context.store.extend({ ...owned(owner), leaseMs: 6 * unitMs }),
        true,
        'the owner extends its lease',
      );
      // Past the original end (2 units), well before the extended one (about 7 units).
      await context.sleepUnits(2);
      const reply = await context.store.acquire({
        key: owner.key,
        fingerprint: owner.fingerprint,
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      });
      assertInProgress(
        assertLost(reply, 'acquire after the original lease end'),
        { fingerprint: owner.fingerprint, fence: owner.fence, liveLeaseMs: 6 * unitMs },
        'the extended lease is still live',
      );
    },
  },

  'extend: a completed record cannot be extended': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      const result = labelledBytes('extend completed');
      await completeAsOwner(context, owner, result);
      assert.equal(
        await context.store.extend({ ...owned(owner), leaseMs: context.longMs }),
        false,
        'extend on a completed record must return false',
      );
      await expectOwnerCompleted(context, owner, result, 'the record stays completed');
    },
  },
};
