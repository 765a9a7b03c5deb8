import { randomUUID } from 'node:crypto';
import { probeService } from '@oncely/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { runDemo } from '../src/stories.js';
import { expectKilledWorkerHeld, expectStoriesHeld } from './expectations.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const run = randomUUID().slice(0, 8);

const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
const redisProbe = await probeService('Redis at 127.0.0.1:6379', async () => {
  await redis.connect();
  await redis.ping();
});
if (!redisProbe.available) redis.disconnect();

describe.skipIf(!redisProbe.available)('ONCELY_STORE=redis', () => {
  const prefix = `oncely-demo-test:${run}:`;
  afterAll(async () => {
    // Only this run's keys, never anyone else's.
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 500 }))
      keys.push(...(batch as string[]));
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('plays every story over HTTP, a real SIGKILL included, and charges once each', async () => {
    const report = await runDemo({
      store: 'redis',
      env: { ...process.env, REDIS_URL, ONCELY_REDIS_PREFIX: prefix },
    });
    expectStoriesHeld(report);
    expectKilledWorkerHeld(report);
  });
});

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
const postgresProbe = await probeService('PostgreSQL at 127.0.0.1:5432 (database test)', () =>
  pool.query('SELECT 1'),
);
if (!postgresProbe.available) await pool.end();

describe.skipIf(!postgresProbe.available)('ONCELY_STORE=postgres', () => {
  const schema = `oncely_demo_test_${run}`;
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('plays every story over HTTP, a real SIGKILL included, and charges once each', async () => {
    const report = await runDemo({
      store: 'postgres',
      env: { ...process.env, DATABASE_URL, ONCELY_PG_SCHEMA: schema },
    });
    expectStoriesHeld(report);
    expectKilledWorkerHeld(report);
  });
});
