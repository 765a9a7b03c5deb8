import assert from 'node:assert/strict';
import {
  assertCompleted,
  assertInProgress,
  assertLost,
  assertWon,
  describe,
} from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import { assertRemaining, timed } from '../clock-bounds.js';
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
 * The owner operations in every state a record can be in: completed, released, expired, and
 * in progress with a lapsed lease that no one took over. Ownership is the token and the fence
 * of the in-progress record (or of the completed record, for a repeated complete), never the
 * clock: an owner whose lease lapsed still owns the key until someone takes it over.
 */

type Identity = { key: string; token: string; fence: number };

/** complete, release and extend as `identity` all return false. */
async function assertAllRefused(context: CheckContext, identity: Identity, what: string) {
  const { store } = context;
  assert.equal(
    await store.complete({ ...identity, result: labelledBytes('refused'), ttlMs: context.longMs }),
    false,
    `complete with ${what} must return false`,
  );
  assert.equal(await store.release(identity), false, `release with ${what} must return false`);
  assert.equal(
    await store.extend({ ...identity, leaseMs: context.longMs }),
    false,
    `extend with ${what} must return false`,
  );
}

function impostors(context: CheckContext, owner: Owner): Array<[Identity, string]> {
  return [
    [
      { key: owner.key, token: context.token(), fence: owner.fence },
      "another token and the owner's fence",
    ],
    [
      { key: owner.key, token: owner.token, fence: owner.fence + 1 },
      "the owner's token and another fence",
    ],
  ];
}

export const stateChecks: CheckGroup = {
  'ownership: a completed record refuses complete, release and extend with another token or fence':
    {
      async run(context) {
        const owner = await acquireOwner(context, context.key());
        const result = labelledBytes('completed by its owner');
        await completeAsOwner(context, owner, result);
        for (const [identity, what] of impostors(context, owner)) {
          await assertAllRefused(context, identity, `${what} on a completed record`);
        }
        await expectOwnerCompleted(context, owner, result, 'the record is unchanged');
      },
    },

  'ownership: a released key refuses complete, release and extend, from its owner or anyone else': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      assert.equal(await context.store.release(owned(owner)), true, 'the owner releases');
      await assertAllRefused(context, owned(owner), 'the former owner on a released key');
      for (const [identity, what] of impostors(context, owner)) {
        await assertAllRefused(context, identity, `${what} on a released key`);
      }
      const record = await context.store.get(owner.key);
      assert.equal(record, undefined, `get of the released key returned ${describe(record)}`);
      const next = await acquireOwner(context, owner.key, {}, 'acquire of the released key');
      assert.ok(next.fence > owner.fence, `fence ${next.fence} after ${owner.fence}`);
    },
  },

  'ttl: complete, release and extend on an expired record return false': {
    async run(context) {
      const retention = { leaseMs: context.unitMs, ttlMs: 2 * context.unitMs };
      const owners = [
        await acquireOwner(context, context.key(), retention),
        await acquireOwner(context, context.key(), retention),
        await acquireOwner(context, context.key(), retention),
      ];
      await context.sleepUnits(3);
      const [completing, releasing, extending] = owners as [Owner, Owner, Owner];
      const { store } = context;
      assert.equal(
        await store.complete({
          ...owned(completing),
          result: labelledBytes('too late'),
          ttlMs: context.longMs,
        }),
        false,
        'complete by the owner of an expired record must return false',
      );
      assert.equal(
        await store.release(owned(releasing)),
        false,
        'release by the owner of an expired record must return false',
      );
      assert.equal(
        await store.extend({ ...owned(extending), leaseMs: context.longMs }),
        false,
        'extend by the owner of an expired record must return false',
      );
      for (const owner of owners) {
        const record = await store.get(owner.key);
        assert.equal(record, undefined, `get of an expired record returned ${describe(record)}`);
      }
    },
  },

  'extend: an owner whose lease lapsed can extend while no one took over': {
    async run(context) {
      const owner = await acquireOwner(context, context.key(), { leaseMs: context.unitMs });
      await context.sleepUnits(2);
      assert.equal(
        await context.store.extend({ ...owned(owner), leaseMs: context.longMs }),
        true,
        'an owner whose lease lapsed still owns the key until someone takes it over',
      );
      // The renewed lease holds: a retry with the same fingerprint does not take over.
      const reply = await context.store.acquire({
        key: owner.key,
        fingerprint: owner.fingerprint,
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      });
      assertInProgress(
        assertLost(reply, 'a retry after the lapsed owner extended'),
        { fingerprint: owner.fingerprint, fence: owner.fence, liveLeaseMs: context.longMs },
        "the owner's renewed record",
      );
    },
  },

  'release: an owner whose lease lapsed can release while no one took over': {
    async run(context) {
      const owner = await acquireOwner(context, context.key(), { leaseMs: context.unitMs });
      await context.sleepUnits(2);
      assert.equal(
        await context.store.release(owned(owner)),
        true,
        'an owner whose lease lapsed still owns the key until someone takes it over',
      );
      const record = await context.store.get(owner.key);
      assert.equal(record, undefined, `get of the released key returned ${describe(record)}`);
      const next = assertWon(
        await context.store.acquire({
          key: owner.key,
          fingerprint: context.fingerprint(),
          token: context.token(),
          leaseMs: context.longMs,
          ttlMs: context.longMs,
        }),
        'acquire with another fingerprint after the release',
      );
      assert.ok(next > owner.fence, `fence ${next} after ${owner.fence}`);
    },
  },

  'acquire: a losing acquire writes nothing': {
    async run(context) {
      const { store } = context;
      const longMs = context.longMs;
      const running = await timed(() => acquireOwner(context, context.key(), { leaseMs: longMs }));
      const owner = running.value;
      const done = await acquireOwner(context, context.key());
      const result = labelledBytes('losing acquire');
      const completed = await timed(() =>
        store.complete({ ...owned(done), result, ttlMs: longMs }),
      );
      assert.equal(completed.value, true, 'the owner completes');
      // A unit later, losers with the same and with another fingerprint ask for fresh leases:
      // had one renewed the lease or the ttl, more would be left than the bounds allow.
      await context.sleepUnits(1);
      for (const key of [owner.key, done.key]) {
        for (const fingerprint of [owner.fingerprint, done.fingerprint, context.fingerprint()]) {
          const reply = await store.acquire({
            key,
            fingerprint,
            token: context.token(),
            leaseMs: longMs,
            ttlMs: longMs,
          });
          assertLost(reply, 'an acquire of a held key');
        }
      }
      const inProgress = await timed(() => store.get(owner.key));
      assertInProgress(
        inProgress.value,
        { fingerprint: owner.fingerprint, fence: owner.fence },
        "the owner's record after the losers",
      );
      assertRemaining(
        inProgress.value.leaseRemainingMs,
        longMs,
        running.span,
        inProgress.span,
        "the owner's lease after the losers",
      );
      const finished = await timed(() => store.get(done.key));
      assertCompleted(
        finished.value,
        { fingerprint: done.fingerprint, fence: done.fence, result },
        'the completed record after the losers',
      );
      assertRemaining(
        finished.value.ttlRemainingMs,
        longMs,
        completed.span,
        finished.span,
        'the completed record ttl after the losers',
      );
    },
  },
};
