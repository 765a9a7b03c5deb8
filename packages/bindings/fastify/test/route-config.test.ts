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
