import { createRequire } from 'node:module';
import * as esmCore from '@oncely/core';
import { describe, expect, it } from 'vitest';
import { assertTooLarge } from '../src/assertions.js';

// The suite recognises a store's errors as the engine does, by brand: a store passes the
// suite exactly when the engine will understand what it throws.
const cjsCore = createRequire(import.meta.url)('@oncely/core') as typeof esmCore;

describe('how the suite recognises ResultTooLargeError', () => {
  it.each([
    ['this copy of core', esmCore],
    ['the other (CJS) copy of core', cjsCore],
  ])('accepts the error made by %s', async (_, core) => {
    await expect(
      assertTooLarge(Promise.reject(new core.ResultTooLargeError(10, 5)), 'complete'),
    ).resolves.toBeUndefined();
  });

  it('refuses a look-alike with the name and code but no brand, which the engine would not release', async () => {
    const lookAlike = Object.assign(new Error('too large'), {
      name: 'ResultTooLargeError',
      code: 'result-too-large',
    });
    await expect(assertTooLarge(Promise.reject(lookAlike), 'complete')).rejects.toThrow(
      /expected ResultTooLargeError/,
    );
  });
});
