import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PostgresStore } from '@oncely/postgres';
import { probeService } from '@oncely/testing';
import pg from 'pg';
import { describe } from 'vitest';
import { bundleWorker } from './runtimes/bundle.js';
import { networkStoreScenarios } from './runtimes/network-store.js';
import { workerd } from './runtimes/workerd.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const postgres = await probeService('PostgreSQL at 127.0.0.1:5432 (database "test")', async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  await client.end();
});

describe.skipIf(!workerd.available || !postgres.available)('workerd and Postgres', async () => {
  // This run's own schema: the only thing the test creates or drops.
  const schema = `oncely_workerd_${randomBytes(6).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  networkStoreScenarios({
    name: '@oncely/postgres',
    script: await bundleWorker(
      fileURLToPath(new URL('./runtimes/worker-postgres.ts', import.meta.url)),
    ),
    bindings: { DATABASE_URL, SCHEMA: schema },
    prepare: () => new PostgresStore({ pool, schema }).migrate(),
    states: async () =>
      (
        await pool.query(`SELECT state FROM "${schema}".oncely_records ORDER BY created_at`)
      ).rows.map((row: { state: string }) => row.state),
    cleanup: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  });
});
