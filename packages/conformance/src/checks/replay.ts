import assert from 'node:assert/strict';
import { assertBytes, assertCompleted, assertLost } from '../assertions.js';
import { everyByteValue, invalidUtf8, labelledBytes, patternedBytes } from '../bytes.js';
import type { CheckContext } from '../context.js';
import { acquireOwner, type CheckGroup, completeAsOwner, owned } from './check.js';

const ONE_MIB = 1024 * 1024;

/** Completes a fresh key with `bytes`, then checks the bytes come back from acquire and get. */
async function roundTrip(context: CheckContext, bytes: Uint8Array, what: string): Promise<void> {
  const owner = await acquireOwner(context, context.key());
  // Hand the store its own copy: the expected bytes must not be the buffer it was given.
  assert.equal(
    await context.store.complete({ ...owned(owner), result: bytes.slice(), ttlMs: context.longMs }),
    true,
    `${what}: the owner completes`,
  );
  const expected = { fingerprint: owner.fingerprint, fence: owner.fence, result: bytes };
  const reply = await context.store.acquire({
    key: owner.key,
    fingerprint: owner.fingerprint,
    token: context.token(),
    leaseMs: context.longMs,
    ttlMs: context.longMs,
  });
  assertCompleted(assertLost(reply, `${what}: acquire`), expected, `${what}, from acquire`);
  assertCompleted(await context.store.get(owner.key), expected, `${what}, from get`);
}

export const replayChecks: CheckGroup = {
  'replay: all 256 byte values round-trip exactly': {
    run: (context) => roundTrip(context, everyByteValue(), 'bytes 0x00..0xff'),
  },

  'replay: invalid UTF-8 sequences round-trip exactly': {
    run: (context) => roundTrip(context, invalidUtf8(), 'invalid UTF-8'),
  },

  'replay: an empty result round-trips': {
    run: (context) => roundTrip(context, new Uint8Array(0), 'an empty result'),
  },

  'replay: a large result round-trips exactly': {
    async run(context) {
      const size = Math.min(ONE_MIB, context.store.capabilities.maxResultBytes);
      await roundTrip(context, patternedBytes(size), `a ${size}-byte result`);
    },
  },

  "replay: stored bytes do not change when the caller's buffers change": {
    async run(context) {
      const owner = await acquireOwner(context, context.key());
      const original = labelledBytes('independent');
      const given = original.slice();
      await completeAsOwner(context, owner, given);
      // The caller reuses its buffer after completing...
      given.fill(0x2a);
      const first = await context.store.get(owner.key);
      assertCompleted(
        first,
        { fingerprint: owner.fingerprint, fence: owner.fence, result: original },
        'get after the caller overwrote the buffer it passed to complete',
      );
      // ...and a reader scribbles over the result it was handed.
      first.result.fill(0x2b);
      const second = await context.store.get(owner.key);
      assert.ok(second?.state === 'completed', 'the record is still completed');
      assertBytes(second.result, original, 'get after a reader overwrote the bytes it was handed');
    },
  },
};
