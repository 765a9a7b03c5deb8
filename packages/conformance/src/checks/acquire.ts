import assert from 'node:assert/strict';
import type { AcquireResult } from '@oncely/core';
import {
  assertCompleted,
  assertFence,
  assertInProgress,
  assertLost,
  assertWon,
} from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import type { CheckContext } from '../context.js';
import type { RaceReply } from '../race.js';
import { acquireOwner, type CheckGroup, completeAsOwner } from './check.js';

/**
 * Checks one key's race: exactly one acquire won, and every loser carries the winner's
 * in-progress record (with the winner's fingerprint, fence and a live lease).
 */
export function assertOneWinner(
  results: AcquireResult[],
  fingerprints: string[],
  leaseMs: number,
  what: string,
): { fence: number; index: number } {
  const winners = results.flatMap((result, index) => (result.acquired ? [index] : []));
  assert.equal(
    winners.length,
    1,
    `${what}: exactly one of ${results.length} concurrent acquires must win, ${winners.length} did`,
  );
  const index = winners[0] as number;
  const fence = assertWon(results[index] as AcquireResult, `${what}: the winner`);
  for (const result of results) {
    if (result.acquired) continue;
    assertInProgress(
      result.record,
      { fingerprint: fingerprints[index] as string, fence, liveLeaseMs: leaseMs },
      `${what}: a loser's record`,
    );
  }
  return { fence, index };
}

/** One key's acquires, one per fingerprint, as race calls. */
export function acquireCalls(context: CheckContext, key: string, fingerprints: string[]) {
  return fingerprints.map((fingerprint) => ({
    op: 'acquire' as const,
    input: {
      key,
      fingerprint,
      token: context.token(),
      leaseMs: context.longMs,
      ttlMs: context.longMs,
    },
  }));
}

/** Races `perKey` acquires of each key at once through the context's racers; one winner each. */
export async function raceKeys(
  context: CheckContext,
  keys: Array<{ key: string; fingerprints: string[] }>,
  what: string,
): Promise<Array<{ fence: number; fingerprint: string }>> {
  const calls = keys.flatMap(({ key, fingerprints }) => acquireCalls(context, key, fingerprints));
  const replies: RaceReply[] = await context.race(calls);
  let offset = 0;
  return keys.map(({ fingerprints }, keyIndex) => {
    const results = replies.slice(offset, offset + fingerprints.length) as AcquireResult[];
    offset += fingerprints.length;
    const { fence, index } = assertOneWinner(
      results,
      fingerprints,
      context.longMs,
      `${what}, key #${keyIndex} (${context.raceWhere()})`,
    );
    return { fence, fingerprint: fingerprints[index] as string };
  });
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
      const key = context.key();
      const fingerprint = context.fingerprint();
      const fingerprints = Array.from({ length: 100 }, () => fingerprint);
      // One instance, every call made before any is awaited.
      const results = await Promise.all(
        acquireCalls(context, key, fingerprints).map((call) => context.store.acquire(call.input)),
      );
      assertOneWinner(results, fingerprints, context.longMs, 'one instance');
    },
  },

  'acquire: exactly one winner among 4 instances x 25 concurrent acquires': {
    skipReason: (capabilities) =>
      capabilities.sharedAcrossInstances
        ? undefined
        : 'the store declares sharedAcrossInstances: false, so its instances do not share records',
    async run(context) {
      const fingerprint = context.fingerprint();
      const fingerprints = Array.from({ length: 100 }, () => fingerprint);
      await raceKeys(context, [{ key: context.key(), fingerprints }], '100 acquires');
    },
  },

  'acquire: many keys acquired concurrently each get exactly one winner': {
    async run(context) {
      const keys = Array.from({ length: 50 }, () => {
        const fingerprint = context.fingerprint();
        return {
          key: context.key(),
          fingerprints: [fingerprint, fingerprint, fingerprint, fingerprint],
        };
      });
      await raceKeys(context, keys, '50 keys x 4 acquires');
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
