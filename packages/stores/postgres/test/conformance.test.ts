import { runStoreConformance } from '@oncely/conformance';
import type { Store } from '@oncely/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { dropSchema, newPool, postgres, testSchemaName } from './helpers.js';

describe.skipIf(!postgres.available)('PostgresStore conformance', () => {
  const schema = testSchemaName();
  const pools = new Map<Store, pg.Pool>();
  let admin: pg.Pool;

  beforeAll(async () => {
    admin = newPool({ max: 1 });
    await new PostgresStore({ pool: admin, schema }).migrate();
  });
  afterAll(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  // Every instance gets a pool (connections) of its own, so the cross-instance race really
  // runs across connections; the pool is the user's to close, so destroyStore closes it.
  // The default time unit (200 ms) leaves room for a loaded CI machine.
  runStoreConformance({
    test,
    name: 'PostgresStore',
    createStore: () => {
      const pool = newPool({ max: 8 });
      const store = new PostgresStore({ pool, schema });
      pools.set(store, pool);
      return store;
    },
    destroyStore: async (store) => {
      await store.close();
      await pools.get(store)?.end();
      pools.delete(store);
    },
  });
});
