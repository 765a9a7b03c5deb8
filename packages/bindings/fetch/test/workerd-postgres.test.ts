import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ScenarioApp, send } from '@oncely/http-scenarios';
import { PostgresStore } from '@oncely/postgres';
import { probeService, until } from '@oncely/testing';
import { Miniflare } from 'miniflare';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from './runtimes/backend.js';
import { bundleWorker } from './runtimes/bundle.js';
import { workerd } from './runtimes/workerd.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const postgres = await probeService('PostgreSQL at 127.0.0.1:5432 (database "test")', async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  await client.end();
});
const script = await bundleWorker(
  fileURLToPath(new URL('./runtimes/worker-postgres.ts', import.meta.url)),
);

describe.skipIf(!workerd.available || !postgres.available)(
  '@oncely/fetch on workerd with @oncely/postgres over the network',
  () => {
    // This run's own schema: the only thing the test creates or drops.
    const schema = `oncely_workerd_${randomBytes(6).toString('hex')}`;
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    const app = new ScenarioApp();
    let url: (path: string) => string;
    let close: () => Promise<void>;

    beforeAll(async () => {
      await new PostgresStore({ pool, schema }).migrate();
      const backend = await startBackend(app);
      const worker = new Miniflare({
        modules: true,
        script,
        // node:fs (pg's .pgpass lookup imports it) is there from this date on.
        compatibilityDate: '2026-02-01',
        compatibilityFlags: ['nodejs_compat'],
        bindings: {
          BACKEND: backend.url,
          OPTIONS: '{"lease":"10s"}',
          DATABASE_URL,
          SCHEMA: schema,
        },
        host: '127.0.0.1',
        port: 0,
      });
      const origin = (await worker.ready).origin;
      url = (path) => `${origin}${path}`;
      close = async () => {
        await worker.dispose();
        await backend.close();
      };
    });

    afterAll(async () => {
      await close?.();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    });

    /** The states of the records the Worker wrote, read from Postgres by this process. */
    const states = async () =>
      (
        await pool.query(`SELECT state FROM "${schema}".oncely_records ORDER BY created_at`)
      ).rows.map((row: { state: string }) => row.state);

    it('the first execution is stored in Postgres and another request replays it', async () => {
      const key = randomUUID();
      const before = app.calls('order');
      const first = await send(url('/r/order'), { key, body: { a: 1 } });
      expect(first.status).toBe(201);
      expect(await states()).toEqual(['completed']);
      const again = await send(url('/r/order'), { key, body: { a: 1 } });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.equals(first.body)).toBe(true);
      expect(app.calls('order')).toBe(before + 1);
      const other = await send(url('/r/order'), { key, body: { a: 2 } });
      expect(other.status).toBe(422);
    });

    it('a retry while the first request is in flight gets 409, then the stored response', async () => {
      const key = randomUUID();
      const before = app.calls('order');
      const stored = await states();
      const finish = app.hold(key);
      const first = send(url(`/r/order?hold=${key}`), { key, body: { a: 1 } });
      await until(() => app.calls('order') > before, 'the first request in its handler');
      const during = await send(url(`/r/order?hold=${key}`), { key, body: { a: 1 } });
      expect(await states()).toEqual([...stored, 'in_progress']);
      finish();
      expect(during.status).toBe(409);
      expect(Number(during.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await first).status).toBe(201);
      expect(await states()).toEqual([...stored, 'completed']);
      const after = await send(url(`/r/order?hold=${key}`), { key, body: { a: 1 } });
      expect(after.headers.get('idempotent-replayed')).toBe('true');
      expect(app.calls('order')).toBe(before + 1);
    });
  },
);
