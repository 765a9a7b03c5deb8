import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedulePurge } from '../examples/purge-schedule.js';
import { migrationSql, type PostgresStore } from '../src/index.js';
import { postgres, setup, sleep } from './helpers.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const sqlBlocks = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe('README', () => {
  it('shows exactly the SQL migrate() runs', () => {
    expect(sqlBlocks[0]).toBe(migrationSql());
  });
});

describe.skipIf(!postgres.available)('README purge scheduling', () => {
  let pool: pg.Pool;
  let store: PostgresStore;
  let schema: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ pool, store, schema, cleanup } = await setup());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  async function seedExpiredAndLive(): Promise<void> {
    await store.acquire({ key: 'expired', fingerprint: 'f', token: 't1', leaseMs: 10, ttlMs: 10 });
    await store.acquire({
      key: 'live',
      fingerprint: 'f',
      token: 't2',
      leaseMs: 60_000,
      ttlMs: 60_000,
    });
    await sleep(30);
  }
  const keys = async () =>
    (
      await pool.query<{ key: string }>(
        `SELECT key FROM ${store.names.qualifiedTable} ORDER BY key`,
      )
    ).rows.map((row) => row.key);

  it('the in-process schedule deletes expired rows', async () => {
    await seedExpiredAndLive();
    const errors: unknown[] = [];
    const stop = schedulePurge(store, 20, (error) => errors.push(error));
    try {
      for (let i = 0; i < 100 && (await keys()).includes('expired'); i++) await sleep(20);
    } finally {
      stop();
    }
    expect(await keys()).toEqual(['live']);
    expect(errors).toEqual([]);
  });

  it("the pg_cron job's statement deletes expired rows", async () => {
    await pool.query(`DELETE FROM ${store.names.qualifiedTable}`);
    await seedExpiredAndLive();
    const job = /\$\$([\s\S]*?)\$\$/.exec(sqlBlocks[1] ?? '')?.[1] ?? '';
    expect(job).toContain('DELETE FROM');
    await pool.query(job.replaceAll('"public"', `"${schema}"`));
    expect(await keys()).toEqual(['live']);
  });
});
