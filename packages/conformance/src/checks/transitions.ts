import assert from 'node:assert/strict';
import type { AcquireResult } from '@oncely/core';
import { assertCompleted, assertInProgress } from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import type { CheckContext } from '../context.js';
import type { RaceCall } from '../race.js';
import { raceKeys } from './acquire.js';
import { acquireOwner, type CheckGroup, type Owner, owned } from './check.js';

/**
 * Atomicity of every transition that acquire makes, not only of a fresh key's first write:
 * the takeover of a lapsed lease, the re-acquire of a released key and of an expired record,
 * and a lapsed owner's complete against a takeover. Each race runs over several keys at once
 * (a race a store loses only sometimes is still caught), through the context's racers.
 */

const KEYS = 8;
const RACERS_PER_KEY = 8;

/** Eight acquires per key, all with one fingerprint per key (the retries of one request). */
function sameFingerprint(owners: Owner[]): Array<{ key: string; fingerprints: string[] }> {
  return owners.map((owner) => ({
    key: owner.key,
    fingerprints: Array.from({ length: RACERS_PER_KEY }, () => owner.fingerprint),
  }));
}

/** Owners of fresh keys, each with a one-unit lease (and a long retention unless given). */
async function shortLeases(context: CheckContext, ttlMs = context.longMs): Promise<Owner[]> {
  return Promise.all(
    Array.from({ length: KEYS }, () =>
      acquireOwner(context, context.key(), { leaseMs: context.unitMs, ttlMs }),
    ),
  );
}

function assertFencesGrew(won: Array<{ fence: number }>, before: Owner[], what: string): void {
  won.forEach(({ fence }, index) => {
    const previous = (before[index] as Owner).fence;
    assert.ok(fence > previous, `${what}, key #${index}: fence ${fence} must exceed ${previous}`);
  });
}

export const transitionChecks: CheckGroup = {
  'race: exactly one takeover among concurrent same-fingerprint acquires of a lapsed lease': {
    async run(context) {
      const owners = await shortLeases(context);
      await context.sleepUnits(2);
      const won = await raceKeys(context, sameFingerprint(owners), 'takeover race');
      assertFencesGrew(won, owners, 'takeover race');
    },
  },

  'race: exactly one winner among concurrent acquires of a released key': {
    async run(context) {
      const owners = await shortLeases(context);
      for (const owner of owners) {
        assert.equal(await context.store.release(owned(owner)), true, 'the owner releases');
      }
      const keys = owners.map((owner) => ({
        key: owner.key,
        fingerprints: Array.from({ length: RACERS_PER_KEY }, () => context.fingerprint()),
      }));
      const won = await raceKeys(context, keys, 'race for a released key');
      assertFencesGrew(won, owners, 'race for a released key');
    },
  },

  'race: exactly one winner among concurrent acquires of an expired record': {
    async run(context) {
      // Half the keys hold a completed record with a one-unit ttl, half an in-progress record
      // with a one-unit lease and a two-unit retention; all have expired after three units.
      const completing = await Promise.all(
        Array.from({ length: KEYS / 2 }, () => acquireOwner(context, context.key())),
      );
      for (const owner of completing) {
        assert.equal(
          await context.store.complete({
            ...owned(owner),
            result: labelledBytes('expiring'),
            ttlMs: context.unitMs,
          }),
          true,
          'the owner completes with a one-unit ttl',
        );
      }
      const retained = await Promise.all(
        Array.from({ length: KEYS / 2 }, () =>
          acquireOwner(context, context.key(), {
            leaseMs: context.unitMs,
            ttlMs: 2 * context.unitMs,
          }),
        ),
      );
      const owners = [...completing, ...retained];
      await context.sleepUnits(3);
      const keys = owners.map((owner) => ({
        key: owner.key,
        fingerprints: Array.from({ length: RACERS_PER_KEY }, () => context.fingerprint()),
      }));
      await raceKeys(context, keys, 'race for an expired record');
    },
  },

  "race: a lapsed owner's complete racing a takeover: not both succeed": {
    async run(context) {
      const owners = await shortLeases(context);
      await context.sleepUnits(2);
      // Per key: the lapsed owner's complete first, then takeovers by its retries, so each
      // racer gets a mix of completes and acquires.
      const calls: RaceCall[] = owners.flatMap((owner) => [
        {
          op: 'complete' as const,
          input: { ...owned(owner), result: labelledBytes(owner.key), ttlMs: context.longMs },
        },
        ...Array.from({ length: RACERS_PER_KEY - 1 }, () => ({
          op: 'acquire' as const,
          input: {
            key: owner.key,
            fingerprint: owner.fingerprint,
            token: context.token(),
            leaseMs: context.longMs,
            ttlMs: context.longMs,
          },
        })),
      ]);
      const replies = await context.race(calls);
      for (const [keyIndex, owner] of owners.entries()) {
        const what = `key #${keyIndex} (${context.raceWhere()})`;
        const mine = replies.slice(keyIndex * RACERS_PER_KEY, (keyIndex + 1) * RACERS_PER_KEY);
        const completed = mine[0] === true;
        const takeovers = (mine.slice(1) as AcquireResult[]).filter((result) => result.acquired);
        assert.ok(
          takeovers.length <= 1,
          `${what}: at most one takeover may win, ${takeovers.length} did`,
        );
        assert.ok(
          !(completed && takeovers.length === 1),
          `${what}: the lapsed owner's complete returned true and a takeover won too`,
        );
        assert.ok(
          completed || takeovers.length === 1,
          `${what}: neither complete nor a takeover won`,
        );
        const record = await context.store.get(owner.key);
        if (completed) {
          assertCompleted(
            record,
            {
              fingerprint: owner.fingerprint,
              fence: owner.fence,
              result: labelledBytes(owner.key),
            },
            `${what}: the record after the owner's complete won`,
          );
        } else {
          const takeover = takeovers[0] as { acquired: true; fence: number };
          assertInProgress(
            record,
            { fingerprint: owner.fingerprint, fence: takeover.fence, liveLeaseMs: context.longMs },
            `${what}: the record after a takeover won`,
          );
        }
      }
    },
  },
};
