import { runStoreConformance } from '@oncely/conformance';
import { describe, test } from 'vitest';
import { MemoryStore } from '../src/index.js';

// Memory stores do not share records between instances, so the suite must see one instance
// for every check (the capability sharedAcrossInstances: false skips the cross-instance race).
runStoreConformance({
  test,
  describe,
  name: 'MemoryStore',
  createStore: () => new MemoryStore({ maxResultBytes: 2 * 1024 * 1024 }),
  destroyStore: (store) => store.close(),
  timing: { unitMs: 100 },
});
