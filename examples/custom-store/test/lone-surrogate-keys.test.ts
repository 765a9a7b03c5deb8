import {
  keysSharingARecord,
  loneSurrogateKeys,
  scopesAnsweredForAnother,
} from '@oncely/testing/lone-surrogate-keys';
import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MariaDbStore } from '../src/index.js';
import { createTestTable, dropTable, mariadb, openPool } from './database.js';

describe.skipIf(!mariadb.available)(
  'MariaDbStore: keys that differ only in a lone surrogate',
  () => {
    let pool: Pool;
    let table = '';

    beforeAll(async () => {
      pool = openPool();
      table = await createTestTable(pool);
    });

    afterAll(async () => {
      if (table) await dropTable(pool, table);
      await pool?.end();
    });

    it('are distinct records', async () => {
      const store = new MariaDbStore({ pool, table });
      expect(await keysSharingARecord(store, loneSurrogateKeys('k:'))).toEqual([]);
    });

    it('keep tenants apart through the engine, short and long scopes alike', async () => {
      expect(await scopesAnsweredForAnother(new MariaDbStore({ pool, table }))).toEqual([]);
    });
  },
);
