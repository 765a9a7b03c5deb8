import assert from 'node:assert/strict';
import { assertCompleted, assertInProgress, assertTooLarge } from '../assertions.js';
import { patternedBytes } from '../bytes.js';
import { acquireOwner, type CheckGroup, owned } from './check.js';

/** The largest limit the suite will allocate a too-large result for. */
export const MAX_CHECKED_RESULT_BYTES = 64 * 1024 * 1024;
const ONE_MIB = 1024 * 1024;

export const limitChecks: CheckGroup = {
  'limits: a result over maxResultBytes throws ResultTooLargeError and the owner can still complete':
    {
      skipReason: ({ maxResultBytes }) =>
        maxResultBytes <= MAX_CHECKED_RESULT_BYTES
          ? undefined
          : `maxResultBytes is ${maxResultBytes}, more than the ${MAX_CHECKED_RESULT_BYTES} bytes the suite allocates to exceed it`,
      async run(context) {
        const { store } = context;
        const limit = store.capabilities.maxResultBytes;
        const owner = await acquireOwner(context, context.key());
        await assertTooLarge(
          store.complete({
            ...owned(owner),
            result: new Uint8Array(limit + 1),
            ttlMs: context.longMs,
          }),
          `complete with ${limit + 1} bytes (limit ${limit})`,
        );
        assertInProgress(
          await store.get(owner.key),
          { fingerprint: owner.fingerprint, fence: owner.fence, liveLeaseMs: context.longMs },
          'the record after the refused result (nothing written)',
        );
        // A result of exactly the limit is accepted (when the limit is small enough to send).
        const result = patternedBytes(Math.min(limit, ONE_MIB));
        assert.equal(
          await store.complete({ ...owned(owner), result, ttlMs: context.longMs }),
          true,
          'the owner completes with a result within the limit',
        );
        assertCompleted(
          await store.get(owner.key),
          { fingerprint: owner.fingerprint, fence: owner.fence, result },
          'the record after the valid result',
        );
      },
    },
};
