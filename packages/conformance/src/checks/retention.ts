import assert from 'node:assert/strict';
import { assertCompleted, assertInProgress, assertLost, assertWon } from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import type { CheckContext } from '../context.js';
import { acquireOwner, type CheckGroup, completeAsOwner, type Owner, owned } from './check.js';

/** An acquire that must lose; returns the record it carried. */
async function acquireLoses(context: CheckContext, key: string, fingerprint: string, what: string) {
  return assertLost(
    await context.store.acquire({
      key,
      fingerprint,
      token: context.token(),
      leaseMs: context.longMs,
      ttlMs: context.longMs,
    }),
    what,
  );
}

/** Acquires and releases `key` through `store` `times` times; returns the last fence. */
async function cycle(
  context: CheckContext,
  key: string,
  times: number,
  options: { store: CheckContext['store']; leaseMs?: number },
): Promise<Owner> {
  let owner = await acquireOwner(context, key, options);
  for (let round = 1; round < times; round++) {
    assert.equal(await options.store.release(owned(owner)), true, 'the owner releases');
    const next = await acquireOwner(context, key, options);
    assert.ok(next.fence > owner.fence, `re-acquire fence ${next.fence} after ${owner.fence}`);
    owner = next;
  }
  return owner;
}

export const retentionChecks: CheckGroup = {
  'fencing: a takeover or re-acquire through another instance gets a larger fence than the first handed out':
    {
      skipReason: (capabilities) =>
        capabilities.sharedAcrossInstances
          ? undefined
          : 'the store declares sharedAcrossInstances: false, so its instances do not share records',
      async run(context) {
        const first = context.store;
        const second = await context.openStore();
        // Both keys get several fences from the first instance.
        const lapsing = await cycle(context, context.key(), 3, {
          store: first,
          leaseMs: context.unitMs,
        });
        const released = await cycle(context, context.key(), 3, { store: first });
        assert.equal(await first.release(owned(released)), true, 'the owner releases');
        const reacquired = await acquireOwner(
          context,
          released.key,
          { store: second },
          're-acquire of the released key through another instance',
        );
        assert.ok(
          reacquired.fence > released.fence,
          `a re-acquire through another instance got fence ${reacquired.fence}; the first instance had handed out ${released.fence}`,
        );
        await context.sleepUnits(2);
        const takeover = await acquireOwner(
          context,
          lapsing.key,
          { store: second, fingerprint: lapsing.fingerprint },
          'takeover through another instance',
        );
        assert.ok(
          takeover.fence > lapsing.fence,
          `a takeover through another instance got fence ${takeover.fence}; the first instance had handed out ${lapsing.fence}`,
        );
      },
    },

  'release: a released key re-acquired after its old lease would have ended keeps growing the fence':
    {
      async run(context) {
        const owner = await acquireOwner(context, context.key(), { leaseMs: context.unitMs });
        assert.equal(await context.store.release(owned(owner)), true, 'the owner releases');
        // Past the released lease's end, well within its retention (longMs).
        await context.sleepUnits(2);
        const next = assertWon(
          await context.store.acquire({
            key: owner.key,
            fingerprint: context.fingerprint(),
            token: context.token(),
            leaseMs: context.longMs,
            ttlMs: context.longMs,
          }),
          'acquire of the released key after its lease would have ended',
        );
        assert.ok(
          next > owner.fence,
          `a released key keeps its fence while retained: got ${next} after ${owner.fence}`,
        );
      },
    },

  'replay: a completed record whose lease was shorter than its ttl is replayed after the lease time':
    {
      async run(context) {
        const owner = await acquireOwner(context, context.key(), { leaseMs: context.unitMs });
        const result = labelledBytes('short lease');
        await completeAsOwner(context, owner, result);
        await context.sleepUnits(2);
        const record = await acquireLoses(
          context,
          owner.key,
          owner.fingerprint,
          'a retry after the lease time of a completed record',
        );
        assertCompleted(
          record,
          { fingerprint: owner.fingerprint, fence: owner.fence, result },
          'the retry is replayed the completed record, not handed the key',
        );
        assertCompleted(
          await context.store.get(owner.key),
          { fingerprint: owner.fingerprint, fence: owner.fence, result },
          'get after the retry',
        );
      },
    },

  'extend: once an extended lease lapses the record is retained until its ttl': {
    async run(context) {
      const { unitMs } = context;
      const owner = await acquireOwner(context, context.key(), { leaseMs: unitMs });
      assert.equal(
        await context.store.extend({ ...owned(owner), leaseMs: 2 * unitMs }),
        true,
        'the owner extends its lease',
      );
      await context.sleepUnits(4);
      assertInProgress(
        await context.store.get(owner.key),
        { fingerprint: owner.fingerprint, fence: owner.fence, lapsed: true },
        'get after the extended lease lapsed (retained for its ttl)',
      );
      assertInProgress(
        await acquireLoses(
          context,
          owner.key,
          context.fingerprint(),
          'another fingerprint after the extended lease lapsed',
        ),
        { fingerprint: owner.fingerprint, fence: owner.fence, lapsed: true },
        'the retained record still binds the key to its fingerprint',
      );
      const takeover = await acquireOwner(
        context,
        owner.key,
        { fingerprint: owner.fingerprint },
        'the same fingerprint takes the lapsed lease over',
      );
      assert.ok(
        takeover.fence > owner.fence,
        `takeover fence ${takeover.fence} after ${owner.fence}`,
      );
    },
  },
};
