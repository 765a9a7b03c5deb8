import { randomBytes } from 'node:crypto';
import { runSeamScenarios } from '@oncely/http-scenarios';
import { PostgresStore } from '@oncely/postgres';
import { RedisStore } from '@oncely/redis';
import { probeService } from '@oncely/testing';
import { Redis } from 'ioredis';
import Koa from 'koa';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { startKoa } from './server.js';

// The seams (other callers, auth order, nested registrations, problem routing) once more on
// the shared stores a deployment runs, where a retry may reach another server: what the
// binding promises must not rest on the memory store's in-process atomicity.

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const redisProbe = await probeService(`Redis at ${redisUrl}`, async () => {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
});
const postgresProbe = await probeService(`PostgreSQL at ${postgresUrl}`, async () => {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => {});
  }
});

describe.skipIf(!redisProbe.available)('on @oncely/redis', () => {
  const clients: Redis[] = [];
  const prefix = `oncely-koa-${randomBytes(4).toString('hex')}:`;
  afterAll(async () => {
    // Remove what this run wrote (only its own prefix: the server is shared), then disconnect.
    const client = clients[0];
    if (client) {
      for (const key of await client.keys(`${prefix}*`)) await client.unlink(key);
    }
    await Promise.all(clients.map((c) => c.quit()));
  });
  runSeamScenarios({
    name: 'koa 3 + redis',
    nesting: 'outer-first',
    startServer: (options) => startKoa(Koa, options),
    createStore: () => {
      const client = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      clients.push(client);
      return new RedisStore({ client, prefix });
    },
  });
});

describe.skipIf(!postgresProbe.available)('on @oncely/postgres', () => {
  const schema = `oncely_koa_${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 16 });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  runSeamScenarios({
    name: 'koa 3 + postgres',
    nesting: 'outer-first',
    startServer: (options) => startKoa(Koa, options),
    createStore: async () => {
      const store = new PostgresStore({ pool, schema });
      await store.migrate();
      return store;
    },
  });
});
