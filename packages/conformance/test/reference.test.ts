// The README's example: run the suite against a store with vitest. A package of your own
// imports from '@oncely/conformance' instead of '../src/index.js'.

import { describe, test } from 'vitest';
import { runStoreConformance } from '../src/index.js';
import { referenceStoreFactory } from './reference-store.js';

runStoreConformance({
  test,
  describe,
  name: 'reference store',
  createStore: referenceStoreFactory(),
  destroyStore: (store) => store.close(),
  timing: { unitMs: 200 },
});
