import assert from 'node:assert/strict';
import { assertCompleted, assertInProgress, describe } from '../assertions.js';
import { labelledBytes } from '../bytes.js';
import type { CheckContext } from '../context.js';
import { acquireOwner, type CheckGroup, type Owner, owned } from './check.js';

const LONG_KEY_LENGTH = 512;

/**
 * Each key gets its own record: acquiring one never sees another's record, completing one
 * leaves the others in progress, each returns its own fingerprint and bytes, and deleting one
 * leaves the rest.
 */
export async function assertIndependent(
  context: CheckContext,
  keys: string[],
  what: string,
): Promise<void> {
  assert.equal(new Set(keys).size, keys.length, `${what}: the check's keys must be distinct`);
  const { store } = context;
  const owners: Owner[] = [];
  for (const key of keys) {
    // One at a time: a store that maps two keys to one record shows it as a lost acquire.
    owners.push(await acquireOwner(context, key, {}, `${what}: acquire of ${describe(key)}`));
  }
  const [first, ...rest] = owners as [Owner, ...Owner[]];
  const firstResult = labelledBytes(first.key);
  assert.equal(
    await store.complete({ ...owned(first), result: firstResult, ttlMs: context.longMs }),
    true,
    `${what}: complete ${describe(first.key)}`,
  );
  for (const owner of rest) {
    assertInProgress(
      await store.get(owner.key),
      { fingerprint: owner.fingerprint, fence: owner.fence, liveLeaseMs: context.longMs },
      `${what}: ${describe(owner.key)} after completing ${describe(first.key)}`,
    );
    assert.equal(
      await store.complete({
        ...owned(owner),
        result: labelledBytes(owner.key),
        ttlMs: context.longMs,
      }),
      true,
      `${what}: complete ${describe(owner.key)}`,
    );
  }
  for (const owner of owners) {
    assertCompleted(
      await store.get(owner.key),
      { fingerprint: owner.fingerprint, fence: owner.fence, result: labelledBytes(owner.key) },
      `${what}: get ${describe(owner.key)}`,
    );
  }
  await store.delete(first.key);
  assert.equal(await store.get(first.key), undefined, `${what}: ${describe(first.key)} deleted`);
  for (const owner of rest) {
    assertCompleted(
      await store.get(owner.key),
      { fingerprint: owner.fingerprint, fence: owner.fence, result: labelledBytes(owner.key) },
      `${what}: ${describe(owner.key)} after deleting ${describe(first.key)}`,
    );
  }
}

/** Pads the key to exactly LONG_KEY_LENGTH characters, ending in `last`. */
function longSuffix(first: string, last: string) {
  return (base: string) => first + 'x'.repeat(LONG_KEY_LENGTH - base.length - 2) + last;
}

export const keyChecks: CheckGroup = {
  'keys: keys differing in one character are independent': {
    run: (context) =>
      assertIndependent(context, context.keys('order-a', 'order-b'), 'one character'),
  },

  'keys: keys differing only in case are independent': {
    run: (context) =>
      assertIndependent(context, context.keys('order', 'Order', 'ORDER'), 'letter case'),
  },

  'keys: NFC and NFD forms of the same text are different keys': {
    async run(context) {
      const nfc = 'caf\u00e9-\u00c5ngstr\u00f6m';
      const nfd = nfc.normalize('NFD');
      assert.notEqual(nfc, nfd);
      assert.equal(nfc, nfc.normalize('NFC'));
      await assertIndependent(context, context.keys(nfc, nfd), 'unicode normalization');
    },
  },

  'keys: a key and its prefix are independent': {
    run: (context) =>
      assertIndependent(
        context,
        context.keys('order', 'order-1', 'order-10', '', 'order ', 'order  '),
        'prefixes',
      ),
  },

  'keys: 512-character keys round-trip and stay distinct': {
    async run(context) {
      const keys = context.keys(longSuffix('a', 'a'), longSuffix('a', 'b'), longSuffix('b', 'a'));
      for (const key of keys) assert.equal(key.length, LONG_KEY_LENGTH);
      await assertIndependent(context, keys, `${LONG_KEY_LENGTH}-character keys`);
    },
  },

  'keys: unicode keys (emoji, CJK, combining marks) round-trip and stay distinct': {
    run: (context) =>
      assertIndependent(
        context,
        context.keys(
          '🔑',
          '🔑🔑',
          '👍',
          '👍🏽',
          '👨‍👩‍👧',
          '鍵',
          '冪等性キー',
          '키',
          'e\u0301',
          'e\u0301\u0327',
          'مفتاح',
          'ключ',
        ),
        'unicode',
      ),
  },
};
