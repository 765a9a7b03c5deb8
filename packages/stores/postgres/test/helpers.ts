import { randomBytes } from 'node:crypto';
import { probeService } from '@oncely/testing';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../src/index.js';

export const PG_URL =
  process.env.ONCELY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const postgres = await probeService(
  'PostgreSQL at 127.0.0.1:5432 (database "test")',
  async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  },
);

/** A schema name of this test run's own: it is the only thing the tests create or drop. */
export function testSchemaName(): string {
  return `oncely_test_${randomBytes(6).toString('hex')}`;
}

export function newPool(config: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, ...config });
  // An idle client losing its connection must not crash the test process.
  pool.on('error', () => {});
  return pool;
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  if (!schema.startsWith('oncely_test_')) throw new Error(`refusing to drop ${schema}`);
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** A pool, a fresh schema with the store's table in it, and a cleanup that drops just that. */
export async function setup(
  options: Partial<PostgresStoreOptions> = {},
  poolConfig: pg.PoolConfig = {},
): Promise<{
  pool: pg.Pool;
  schema: string;
  store: PostgresStore;
  cleanup: () => Promise<void>;
}> {
  const pool = newPool(poolConfig);
  const schema = options.schema ?? testSchemaName();
  const store = new PostgresStore({ pool, schema, ...options });
  await store.migrate();
  return {
    pool,
    schema,
    store,
    cleanup: async () => {
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const bytes = (text: string) => new TextEncoder().encode(text);
