import assert from 'node:assert/strict';
import { assertCompleted, assertInProgress } from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import type { CheckContext } from '../context.js';
import { acquireOwner, type CheckGroup, type Owner, owned } from './check.js';

/**
 * Calls complete, release and extend as `impostor` (the owner's key with something wrong),
 * expects each refused, and then checks the owner's record is untouched and still completable.
 */
async function assertImpostorRefused(
  context: CheckContext,
  owner: Owner,
  impostor: { key: string; token: string; fence: number },
  what: string,
): Promise<void> {
  const { store } = context;
  assert.equal(
    await store.complete({ ...impostor, result: labelledBytes('impostor'), ttlMs: context.longMs }),
    false,
    `complete with ${what} must return false`,
  );
  assert.equal(await store.release(impostor), false, `release with ${what} must return false`);
  assert.equal(
    await store.extend({ ...impostor, leaseMs: 2 * context.longMs }),
    false,
    `extend with ${what} must return false`,
  );
  assertInProgress(
    await store.get(owner.key),
    { fingerprint: owner.fingerprint, fence: owner.fence, liveLeaseMs: context.longMs },
    `the owner's record after calls with ${what}`,
  );
  const result = labelledBytes('owner');
  assert.equal(
    await store.complete({ ...owned(owner), result, ttlMs: context.longMs }),
    true,
    'the real owner still completes',
  );
  assertCompleted(
    await store.get(owner.key),
    { fingerprint: owner.fingerprint, fence: owner.fence, result },
    "the owner's result",
  );
}

export const ownershipChecks: CheckGroup = {
  'ownership: a wrong token is refused by complete, release and extend': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      await assertImpostorRefused(
        context,
        owner,
        { key: owner.key, token: context.token(), fence: owner.fence },
        "another token and the owner's fence",
      );
    },
  },

  'ownership: a wrong fence is refused by complete, release and extend': {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      await assertImpostorRefused(
        context,
        owner,
        { key: owner.key, token: owner.token, fence: owner.fence + 1 },
        "the owner's token and another fence",
      );
    },
  },

  'ownership: complete, release and extend on an absent key return false': {
    async run(context) {
      const { store } = context;
      const absent = { key: context.key(), token: context.token(), fence: 1 };
      assert.equal(
        await store.complete({ ...absent, result: labelledBytes('absent'), ttlMs: context.longMs }),
        false,
        'complete on an absent key must return false',
      );
      assert.equal(
        await store.release(absent),
        false,
        'release on an absent key must return false',
      );
      assert.equal(
        await store.extend({ ...absent, leaseMs: context.longMs }),
        false,
        'extend on an absent key must return false',
      );
      assert.equal(await store.get(absent.key), undefined, 'nothing was written for the key');
    },
  },
};
