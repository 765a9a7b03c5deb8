import { createIdempotency, StoreUnavailableError } from '@oncely/core';
import { freePort } from '@oncely/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore, runTransactional } from '../src/index.js';
import { newPool, PG_URL, postgres, setup } from './helpers.js';

/** Settles `promise`, or fails the test if it is still pending after `ms`: no hanging. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
    }),
  ]);
}

describe('PostgreSQL unreachable', () => {
  it('fails closed with StoreUnavailableError and runs nothing', async () => {
    const pool = newPool({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/test`,
      connectionTimeoutMillis: 1000,
    });
    try {
      const store = new PostgresStore({ pool });
      const engine = createIdempotency({ store, storeTimeout: '3s' });
      let runs = 0;
      const handler = () => {
        runs++;
        return 'ran';
      };
      const error = await within(
        engine.run({ key: 'k' }, handler).catch((caught: unknown) => caught),
        10_000,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      const direct = await within(
        store.get('k').catch((caught: unknown) => caught),
        10_000,
      );
      expect(direct).toBeInstanceOf(StoreUnavailableError);
      const transactional = await within(
        runTransactional(engine, { key: 'k' }, handler).catch((caught: unknown) => caught),
        10_000,
      );
      expect(transactional).toBeInstanceOf(StoreUnavailableError);
      const migrate = await within(
        store.migrate().catch((caught: unknown) => caught),
        10_000,
      );
      expect(migrate).toBeInstanceOf(StoreUnavailableError);
      expect(runs).toBe(0);
    } finally {
      await pool.end();
    }
  });
});

describe.skipIf(!postgres.available)('a statement that outlives statement_timeout', () => {
  let schema: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ schema, cleanup } = await setup());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('fails closed with StoreUnavailableError, and the operation runs once after', async () => {
    const pool = newPool({ connectionString: PG_URL, statement_timeout: 300 });
    const holder = newPool();
    try {
      const store = new PostgresStore({ pool, schema });
      const engine = createIdempotency({ store, heartbeat: false });
      let runs = 0;
      const handler = () => {
        runs++;
        return 'ran';
      };
      // Another transaction holds the key's row (here: its first insert, not yet committed).
      const blocker = await holder.connect();
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO ${store.names.qualifiedTable}
           (key, fingerprint, state, token, fence, lease_until, expires_at, created_at, updated_at)
         VALUES ('oncely:0::locked', 'none', 'in_progress', 'blocker', 1, now(), now(), now(), now())`,
      );
      const error = await within(
        engine.run({ key: 'locked' }, handler).catch((caught: unknown) => caught),
        10_000,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(String(((error as Error).cause as Error).message)).toMatch(/statement timeout/);
      expect(runs).toBe(0);

      await blocker.query('ROLLBACK');
      blocker.release();
      expect(await engine.run({ key: 'locked' }, handler)).toMatchObject({ status: 'executed' });
      expect(await engine.run({ key: 'locked' }, handler)).toMatchObject({ status: 'replayed' });
      expect(runs).toBe(1);
    } finally {
      await pool.end();
      await holder.end();
    }
  });
});
