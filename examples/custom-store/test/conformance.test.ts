import { runStoreConformance } from '@oncely/conformance';
import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { MariaDbStore } from '../src/index.js';
import { createTestTable, dropTable, mariadb, openPool } from './database.js';

// One pool for the whole run; every store instance borrows from it, so the cross-instance
// race runs over several connections. The table is this run's own and is dropped at the end.
let pool: Pool;
let table = '';

describe.skipIf(!mariadb.available)('MariaDbStore', () => {
  beforeAll(async () => {
    pool = openPool({ connectionLimit: 8 });
    table = await createTestTable(pool);
  });

  afterAll(async () => {
    if (table) await dropTable(pool, table);
    await pool?.end();
  });

  runStoreConformance({
    test,
    describe,
    name: 'oncely store conformance',
    createStore: () => new MariaDbStore({ pool, table }),
    // close() leaves the pool open: afterAll ends it once every check is done.
    destroyStore: (store) => store.close(),
  });
});
