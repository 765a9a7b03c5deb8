import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/index.js';
import { postgres, setup } from './helpers.js';

describe.skipIf(!postgres.available)('purgeExpired', () => {
  let pool: pg.Pool;
  let store: PostgresStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ pool, store, cleanup } = await setup());
  });
  afterAll(async () => {
    await cleanup?.();
  });
  beforeEach(async () => {
    await pool.query(`DELETE FROM ${store.names.qualifiedTable}`);
  });

  /** Rows as acquire/complete/release leave them, `expiresIn` from now (negative: expired). */
  async function seed(
    prefix: string,
    count: number,
    state: string,
    expiresIn: string,
  ): Promise<void> {
    await pool.query(
      `INSERT INTO ${store.names.qualifiedTable}
         (key, fingerprint, state, token, fence, lease_until, expires_at, result, created_at, updated_at)
       SELECT $1 || i, 'fp', $2, 't', nextval('${store.names.qualifiedSequence}'), now(),
              clock_timestamp() + $3::interval, NULL, now(), now()
         FROM generate_series(1, $4::int) AS i`,
      [prefix, state, expiresIn, count],
    );
  }
  const remaining = async () =>
    (
      await pool.query<{ key: string }>(
        `SELECT key FROM ${store.names.qualifiedTable} ORDER BY key`,
      )
    ).rows.map((row) => row.key);

  it('deletes every expired row in bounded batches, and nothing live', async () => {
    await seed('done-', 1200, 'completed', '-1 minute');
    await seed('freed-', 300, 'released', '-1 second');
    await seed('abandoned-', 5, 'in_progress', '-1 second');
    await seed('live-', 3, 'completed', '1 hour');
    await seed('retained-', 2, 'released', '1 hour');
    expect(await store.purgeExpired({ batchSize: 500 })).toBe(1505);
    expect(await remaining()).toEqual(['live-1', 'live-2', 'live-3', 'retained-1', 'retained-2']);
    expect(await store.purgeExpired()).toBe(0);
  });

  it('stops after maxBatches', async () => {
    await seed('done-', 250, 'completed', '-1 minute');
    expect(await store.purgeExpired({ batchSize: 100, maxBatches: 2 })).toBe(200);
    expect(await remaining()).toHaveLength(50);
  });

  it('passes over rows another transaction holds instead of waiting for them', async () => {
    await seed('done-', 3, 'completed', '-1 minute');
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM ${store.names.qualifiedTable} WHERE key = 'done-2' FOR UPDATE`,
      );
      expect(await store.purgeExpired({ batchSize: 10 })).toBe(2);
      expect(await remaining()).toEqual(['done-2']);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await store.purgeExpired({ batchSize: 10 })).toBe(1);
  });
});
