import { randomUUID } from 'node:crypto';
import { ScenarioApp, send } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { idempotency } from '../src/index.js';
import { startFastify } from './server.js';

async function twice(base: string, path: string) {
  const key = randomUUID();
  const first = await send(`${base}${path}`, { key, body: { a: 1 } });
  const again = await send(`${base}${path}`, { key, body: { a: 1 } });
  return again.headers.get('idempotent-replayed') === 'true' && first.status === 201;
}

describe('per-route opt-in and opt-out through route config', () => {
  it('routes: "all" covers every route except config.idempotency: false', async () => {
    const server = await startFastify(Fastify, {
      app: new ScenarioApp(),
      idempotency: { store: new MemoryStore() },
    });
    try {
      expect(await twice(server.url, '/r/order')).toBe(true);
      expect(await twice(server.url, '/on/order')).toBe(true);
      expect(await twice(server.url, '/off/order')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('routes: "opt-in" covers only config.idempotency: true', async () => {
    const server = await startFastify(
      Fastify,
      { app: new ScenarioApp(), idempotency: { store: new MemoryStore() } },
      { routes: 'opt-in' },
    );
    try {
      expect(await twice(server.url, '/r/order')).toBe(false);
      expect(await twice(server.url, '/on/order')).toBe(true);
      expect(await twice(server.url, '/off/order')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('config.idempotency takes an options object: those options over the plugin’s, for that route', async () => {
    let runs = 0;
    const server = Fastify();
    await server.register(idempotency, { store: new MemoryStore() });
    const handler = async () => ({ run: ++runs });
    server.post('/default', handler);
    // This route keeps nothing: its own policy releases every response.
    server.post(
      '/never-stored',
      { config: { idempotency: { shouldStore: () => false } } },
      handler,
    );
    server.post('/required', { config: { idempotency: { required: true } } }, handler);
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const key = randomUUID();
      await send(`${base}/default`, { key, body: { a: 1 } });
      const replayed = await send(`${base}/default`, { key, body: { a: 1 } });
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      const other = randomUUID();
      await send(`${base}/never-stored`, { key: other, body: { a: 1 } });
      const rerun = await send(`${base}/never-stored`, { key: other, body: { a: 1 } });
      expect(rerun.status).toBe(200);
      expect(rerun.headers.get('idempotent-replayed')).toBeNull();
      expect((await send(`${base}/required`, { body: { a: 1 } })).status).toBe(400);
      expect((await send(`${base}/default`, { body: { a: 1 } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses a route config that is neither a boolean nor options', async () => {
    const server = Fastify();
    await server.register(idempotency, { store: new MemoryStore() });
    // What a plain JavaScript caller can pass.
    const config = { idempotency: 'yes' as unknown as boolean };
    expect(() => server.post('/x', { config }, async () => ({}))).toThrow(/config\.idempotency/);
  });

  it('refuses bad options when registered', async () => {
    const app = Fastify();
    // biome-ignore lint/suspicious/noExplicitAny: what a plain JavaScript caller can pass
    app.register(idempotency, { store: new MemoryStore(), routes: 'some' as any });
    await expect(app.ready()).rejects.toThrow(/routes/);
    const app2 = Fastify();
    app2.register(idempotency, { store: new MemoryStore(), methods: ['BAD METHOD'] });
    await expect(app2.ready()).rejects.toThrow(/methods/);
  });
});
