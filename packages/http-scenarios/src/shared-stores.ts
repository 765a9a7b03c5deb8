import { randomBytes } from 'node:crypto';
import type { Store } from '@oncely/core';
import { PostgresStore } from '@oncely/postgres';
import { RedisStore } from '@oncely/redis';
import { probeService } from '@oncely/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe } from 'vitest';

/** Which shared store a suite runs on, and how each test server gets one of its own. */
export interface SharedStore {
  name: 'redis' | 'postgres';
  createStore(): Store | Promise<Store>;
}

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

/**
 * Run a binding's suite once on @oncely/redis and once on @oncely/postgres (the servers on
 * loopback; skipped locally without them, failed under CI), where a retry may reach another
 * server: what a binding promises must not rest on the memory store's in-process atomicity.
 * `label` names this run's keys and schema, so runs sharing the servers never meet; each run
 * removes what it wrote.
 */
export function onSharedStores(label: string, suite: (store: SharedStore) => void): void {
  describe.skipIf(!redisProbe.available)('on @oncely/redis', () => {
    const clients: Redis[] = [];
    const prefix = `oncely-${label}-${randomBytes(4).toString('hex')}:`;
    afterAll(async () => {
      // Only this run's own prefix: the server is shared.
      const client = clients[0];
      if (client) {
        for (const key of await client.keys(`${prefix}*`)) await client.unlink(key);
      }
      await Promise.all(clients.map((c) => c.quit()));
    });
    suite({
      name: 'redis',
      createStore: () => {
        const client = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
        clients.push(client);
        return new RedisStore({ client, prefix });
      },
    });
  });

  describe.skipIf(!postgresProbe.available)('on @oncely/postgres', () => {
    const schema = `oncely_${label}_${randomBytes(4).toString('hex')}`;
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 16 });
    afterAll(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    });
    suite({
      name: 'postgres',
      createStore: async () => {
        const store = new PostgresStore({ pool, schema });
        await store.migrate();
        return store;
      },
    });
  });
}
