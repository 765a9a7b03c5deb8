import assert from 'node:assert/strict';
import { STORE_METHODS } from '@oncely/core';
import { describe } from '../assertions.js';
import type { CheckGroup } from './check.js';

export const capabilityChecks: CheckGroup = {
  'capabilities: are well-formed': {
    async run({ store }) {
      for (const method of STORE_METHODS) {
        assert.equal(typeof store[method], 'function', `store.${method} must be a function`);
      }
      const capabilities = store.capabilities;
      assert.ok(
        typeof capabilities === 'object' && capabilities !== null,
        `store.capabilities must be an object, got ${describe(capabilities)}`,
      );
      const max = capabilities.maxResultBytes;
      assert.ok(
        typeof max === 'number' &&
          max >= 1 &&
          (Number.isSafeInteger(max) || max === Number.POSITIVE_INFINITY),
        `capabilities.maxResultBytes must be a positive whole number of bytes (or Infinity), got ${describe(max)}`,
      );
      assert.ok(
        capabilities.clock === 'server' || capabilities.clock === 'caller',
        `capabilities.clock must be "server" or "caller", got ${describe(capabilities.clock)}`,
      );
      assert.equal(
        typeof capabilities.sharedAcrossInstances,
        'boolean',
        'capabilities.sharedAcrossInstances must be a boolean',
      );
    },
  },
};
