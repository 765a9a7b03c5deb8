import assert from 'node:assert/strict';
import { assertInProgress, assertWon, describe } from '../assertions.js';
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
 * Both records have expired: get returns undefined for the first, and an acquire with another
 * fingerprint wins the second straight away (no read before it), then the first.
 */
async function assertExpired(
  context: CheckContext,
  readFirst: Owner,
  acquiredFirst: Owner,
  what: string,
): Promise<void> {
  const { store } = context;
  const record = await store.get(readFirst.key);
  assert.equal(record, undefined, `get after ${what} expired returned ${describe(record)}`);
  for (const owner of [acquiredFirst, readFirst]) {
    assertWon(
      await store.acquire({
        key: owner.key,
        fingerprint: context.fingerprint(),
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      }),
      `acquire with another fingerprint after ${what} expired`,
    );
  }
}

export const lifecycleChecks: CheckGroup = {
  'get: returns undefined for a key never written': {
    async run(context) {
      const record = await context.store.get(context.key());
      assert.equal(record, undefined, `get of a fresh key returned ${describe(record)}`);
    },
  },

  'release: frees the key and the next acquire wins with a larger fence, whatever its fingerprint':
    {
      async run(context) {
        const { store } = context;
        const owner = await acquireOwner(context, context.key());
        assert.equal(await store.release(owned(owner)), true, 'the owner releases');
        const record = await store.get(owner.key);
        assert.equal(record, undefined, `get of a released key returned ${describe(record)}`);
        assert.equal(
          await store.complete({
            ...owned(owner),
            result: labelledBytes('after release'),
            ttlMs: context.longMs,
          }),
          false,
          'complete after release must return false (the owner gave the key up)',
        );
        const next = await store.acquire({
          key: owner.key,
          fingerprint: context.fingerprint(),
          token: context.token(),
          leaseMs: context.longMs,
          ttlMs: context.longMs,
        });
        const fence = assertWon(next, 'acquire of a released key with another fingerprint');
        assert.ok(
          fence > owner.fence,
          `a released key keeps its fence: the next fence ${fence} must exceed ${owner.fence}`,
        );
      },
    },

  'release: a completed record cannot be released': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      const result = labelledBytes('release completed');
      await completeAsOwner(context, owner, result);
      assert.equal(
        await context.store.release(owned(owner)),
        false,
        'release on a completed record must return false',
      );
      await expectOwnerCompleted(context, owner, result, 'the record stays completed');
    },
  },

  'ttl: a completed record expires, then get returns undefined and acquire wins': {
    async run(context) {
      const { store } = context;
      // Two records: one read first, one acquired first, because a store may clean up an
      // expired record on read and so hide an acquire that ignores expiry.
      const owners = [
        await acquireOwner(context, context.key()),
        await acquireOwner(context, context.key()),
      ];
      for (const owner of owners) {
        assert.equal(
          await store.complete({
            ...owned(owner),
            result: labelledBytes('expiring'),
            ttlMs: context.unitMs,
          }),
          true,
          'the owner completes with a one-unit ttl',
        );
      }
      await context.sleepUnits(2);
      const [readFirst, acquiredFirst] = owners as [Owner, Owner];
      await assertExpired(context, readFirst, acquiredFirst, 'the completed record');
    },
  },

  'ttl: an in-progress record expires after its retention': {
    async run(context) {
      const retention = { leaseMs: context.unitMs, ttlMs: 2 * context.unitMs };
      const readFirst = await acquireOwner(context, context.key(), retention);
      const acquiredFirst = await acquireOwner(context, context.key(), retention);
      await context.sleepUnits(3);
      await assertExpired(context, readFirst, acquiredFirst, 'the in-progress record');
    },
  },

  'delete: removes the record and the key can be acquired again': {
    async run(context) {
      const { store } = context;
      const running = await acquireOwner(context, context.key());
      const done = await acquireOwner(context, context.key());
      assert.equal(
        await store.complete({
          ...owned(done),
          result: labelledBytes('deleted'),
          ttlMs: context.longMs,
        }),
        true,
        'the owner completes',
      );
      await store.delete(running.key);
      await store.delete(done.key);
      await store.delete(context.key()); // deleting an absent key is not an error
      let successor: { fingerprint: string; fence: number } | undefined;
      for (const owner of [running, done]) {
        const record = await store.get(owner.key);
        assert.equal(record, undefined, `get after delete returned ${describe(record)}`);
        const fingerprint = context.fingerprint();
        const fence = assertWon(
          await store.acquire({
            key: owner.key,
            fingerprint,
            token: context.token(),
            leaseMs: context.longMs,
            ttlMs: context.longMs,
          }),
          'acquire with another fingerprint after delete',
        );
        successor = { fingerprint, fence };
      }
      // The owner of the deleted record owns nothing now (the fence may have restarted, the
      // token has not).
      assert.equal(
        await store.complete({
          ...owned(done),
          result: labelledBytes('after delete'),
          ttlMs: context.longMs,
        }),
        false,
        'complete by the owner of a deleted record must return false',
      );
      assert.ok(successor);
      assertInProgress(
        await store.get(done.key),
        { ...successor, liveLeaseMs: context.longMs },
        "the new owner's record after the old owner's complete",
      );
    },
  },
};
