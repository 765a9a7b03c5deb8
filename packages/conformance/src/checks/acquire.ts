import assert from 'node:assert/strict';
import type { AcquireResult, Store } from '@oncely/core';
import {
  assertCompleted,
  assertFence,
  assertInProgress,
  assertLost,
  assertWon,
} from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import type { CheckContext } from '../context.js';
import { acquireOwner, type CheckGroup, completeAsOwner } from './check.js';

/**
 * Fires one acquire per entry of `stores` at `key` all at once (no await in between) and
 * checks that exactly one wins and every loser carries the winner's in-progress record.
 */
async function raceForKey(
  context: CheckContext,
  stores: Store[],
  key: string,
  fingerprint: string,
  what: string,
): Promise<void> {
  const results: AcquireResult[] = await Promise.all(
    stores.map((store) =>
      store.acquire({
        key,
        fingerprint,
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      }),
    ),
  );
  const winners = results.filter((result) => result.acquired);
  assert.equal(
    winners.length,
    1,
    `${what}: exactly one of ${stores.length} concurrent acquires must win, ${winners.length} did`,
  );
  const fence = assertWon(winners[0] as AcquireResult, `${what}: the winner`);
  for (const result of results) {
    if (result.acquired) continue;
    assertInProgress(
      result.record,
      { fingerprint, fence, liveLeaseMs: context.longMs },
      `${what}: a loser's record`,
    );
  }
}

export const acquireChecks: CheckGroup = {
  'acquire: the first acquire wins with a positive integer fence': {
    async run(context) {
      const key = context.key();
      const fingerprint = context.fingerprint();
      const leaseMs = context.longMs;
      const result = await context.store.acquire({
        key,
        fingerprint,
        token: context.token(),
        leaseMs,
        ttlMs: context.longMs,
      });
      const fence = assertWon(result, 'first acquire of a fresh key');
      assertFence(fence, 'first acquire');
      assertInProgress(
        await context.store.get(key),
        { fingerprint, fence, liveLeaseMs: leaseMs },
        'get after the first acquire',
      );
    },
  },

  'acquire: exactly one winner among 100 concurrent acquires': {
    async run(context) {
      const stores = Array.from({ length: 100 }, () => context.store);
      await raceForKey(context, stores, context.key(), context.fingerprint(), 'one instance');
    },
  },

  'acquire: exactly one winner among 4 instances x 25 concurrent acquires': {
    skipReason: (capabilities) =>
      capabilities.sharedAcrossInstances
        ? undefined
        : 'the store declares sharedAcrossInstances: false, so its instances do not share records',
    async run(context) {
      const instances = [
        context.store,
        ...(await Promise.all([context.openStore(), context.openStore(), context.openStore()])),
      ];
      // Interleave the instances so each one's requests overlap every other's.
      const stores = Array.from({ length: 100 }, (_, index) => instances[index % 4] as Store);
      await raceForKey(context, stores, context.key(), context.fingerprint(), '4 instances');
    },
  },

  'acquire: many keys acquired concurrently each get exactly one winner': {
    async run(context) {
      const keys = Array.from({ length: 50 }, () => ({
        key: context.key(),
        fingerprint: context.fingerprint(),
      }));
      await Promise.all(
        keys.map(({ key, fingerprint }, index) =>
          raceForKey(
            context,
            [context.store, context.store, context.store, context.store],
            key,
            fingerprint,
            `key #${index}`,
          ),
        ),
      );
    },
  },

  'acquire: the loser gets the in-progress record in the same reply': {
    async run(context) {
      const leaseMs = context.longMs;
      const owner = await acquireOwner(context, context.key(), { leaseMs });
      const result = await context.store.acquire({
        key: owner.key,
        fingerprint: owner.fingerprint,
        token: context.token(),
        leaseMs,
        ttlMs: context.longMs,
      });
      assertInProgress(
        assertLost(result, 'second acquire while the lease is live'),
        { fingerprint: owner.fingerprint, fence: owner.fence, liveLeaseMs: leaseMs },
        "the loser's record",
      );
    },
  },

  'acquire: a different fingerprint sees the in-progress record (mismatch)': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      const other = context.fingerprint();
      const result = await context.store.acquire({
        key: owner.key,
        fingerprint: other,
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      });
      assertInProgress(
        assertLost(result, 'acquire with another fingerprint'),
        { fingerprint: owner.fingerprint, fence: owner.fence, liveLeaseMs: context.longMs },
        'the record shown to the other fingerprint',
      );
    },
  },

  'acquire: a different fingerprint sees the completed record (mismatch)': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      const result = labelledBytes('mismatch');
      await completeAsOwner(context, owner, result);
      const reply = await context.store.acquire({
        key: owner.key,
        fingerprint: context.fingerprint(),
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      });
      assertCompleted(
        assertLost(reply, 'acquire with another fingerprint after completion'),
        { fingerprint: owner.fingerprint, fence: owner.fence, result, ttlMs: context.longMs },
        'the record shown to the other fingerprint',
      );
    },
  },
};
