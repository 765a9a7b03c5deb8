import assert from 'node:assert/strict';
import { assertCompleted, assertLost } from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import {
  acquireOwner,
  type CheckGroup,
  completeAsOwner,
  expectOwnerCompleted,
  owned,
} from './check.js';

export const completeChecks: CheckGroup = {
  'complete: a later acquire gets the completed record with the exact bytes': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      const result = labelledBytes('complete');
      const ttlMs = context.longMs;
      assert.equal(
        await context.store.complete({ ...owned(owner), result, ttlMs }),
        true,
        'the owner completes',
      );
      const expected = { fingerprint: owner.fingerprint, fence: owner.fence, result, ttlMs };
      const reply = await context.store.acquire({
        key: owner.key,
        fingerprint: owner.fingerprint,
        token: context.token(),
        leaseMs: context.longMs,
        ttlMs: context.longMs,
      });
      assertCompleted(assertLost(reply, 'acquire after completion'), expected, 'acquire reply');
      assertCompleted(await context.store.get(owner.key), expected, 'get after completion');
    },
  },

  'complete: repeating complete by the same owner returns true': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      const result = labelledBytes('repeat');
      const input = { ...owned(owner), result, ttlMs: context.longMs };
      assert.equal(await context.store.complete(input), true, 'the first complete');
      assert.equal(
        await context.store.complete(input),
        true,
        'repeating complete (e.g. a retry after a lost reply) must be safe and return true',
      );
      await expectOwnerCompleted(context, owner, result, 'get after the repeated complete');
    },
  },

  'complete: the owner can complete after its lease lapsed when no one took over': {
    async run(context) {
      const owner = await acquireOwner(context, context.key(), { leaseMs: context.unitMs });
      await context.sleepUnits(2);
      const result = labelledBytes('late');
      await completeAsOwner(
        context,
        owner,
        result,
        'an owner whose lease lapsed still owns the key until someone takes it over',
      );
      await expectOwnerCompleted(context, owner, result, 'get after the late complete');
    },
  },
};
