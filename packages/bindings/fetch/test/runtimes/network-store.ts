import { randomUUID } from 'node:crypto';
import { ScenarioApp, send } from '@oncely/http-scenarios';
import { until } from '@oncely/testing';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from './backend.js';

export interface NetworkStoreWorker {
  /** Shown in the test names, e.g. `@oncely/postgres`. */
  name: string;
  /** The bundled Worker (`bundleWorker`). */
  script: string;
  /** The Worker's bindings besides BACKEND and OPTIONS: where its store is. */
  bindings: Record<string, string>;
  /** Make the store's place (a schema, a key prefix) before the Worker starts. */
  prepare(): Promise<void>;
  /** The states (`in_progress`, `completed`) of the records the Worker wrote, in any order. */
  states(): Promise<string[]>;
  /** Remove what `prepare` made and what the Worker wrote. */
  cleanup(): Promise<void>;
}

/**
 * A Worker on workerd with its store reached over the network (each request its own
 * connection): the first run is stored there, another request replays it, a retry while the
 * first is in flight is refused, and this process reads the records from the store itself.
 */
export function networkStoreScenarios(worker: NetworkStoreWorker): void {
  describe(`@oncely/fetch on workerd with ${worker.name} over the network`, () => {
    const app = new ScenarioApp();
    let url: (path: string) => string;
    let close: (() => Promise<void>) | undefined;
    const sorted = (states: string[]) => [...states].sort();
    const statesNow = async () => sorted(await worker.states());

    beforeAll(async () => {
      await worker.prepare();
      const backend = await startBackend(app);
      const miniflare = new Miniflare({
        modules: true,
        script: worker.script,
        // node:fs (pg's .pgpass lookup imports it) is there from this date on (not 2025-09-01).
        compatibilityDate: '2025-09-15',
        compatibilityFlags: ['nodejs_compat'],
        bindings: { BACKEND: backend.url, OPTIONS: '{"lease":"10s"}', ...worker.bindings },
        host: '127.0.0.1',
        port: 0,
      });
      const origin = (await miniflare.ready).origin;
      url = (path) => `${origin}${path}`;
      close = async () => {
        await miniflare.dispose();
        await backend.close();
      };
    });

    afterAll(async () => {
      await close?.();
      await worker.cleanup();
    });

    it('the first execution is stored in the store and another request replays it', async () => {
      const key = randomUUID();
      const before = app.calls('order');
      const stored = await worker.states();
      const first = await send(url('/r/order'), { key, body: { a: 1 } });
      expect(first.status).toBe(201);
      expect(await statesNow()).toEqual(sorted([...stored, 'completed']));
      const again = await send(url('/r/order'), { key, body: { a: 1 } });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.equals(first.body)).toBe(true);
      expect(app.calls('order')).toBe(before + 1);
      expect((await send(url('/r/order'), { key, body: { a: 2 } })).status).toBe(422);
    });

    it('a retry while the first request is in flight gets 409, then the stored response', async () => {
      const key = randomUUID();
      const before = app.calls('order');
      const stored = await worker.states();
      const finish = app.hold(key);
      const first = send(url(`/r/order?hold=${key}`), { key, body: { a: 1 } });
      try {
        await until(() => app.calls('order') > before, 'the first request in its handler');
        const during = await send(url(`/r/order?hold=${key}`), { key, body: { a: 1 } });
        expect(await statesNow()).toEqual(sorted([...stored, 'in_progress']));
        expect(during.status).toBe(409);
        expect(Number(during.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      } finally {
        finish();
      }
      expect((await first).status).toBe(201);
      expect(await statesNow()).toEqual(sorted([...stored, 'completed']));
      const after = await send(url(`/r/order?hold=${key}`), { key, body: { a: 1 } });
      expect(after.headers.get('idempotent-replayed')).toBe('true');
      expect(app.calls('order')).toBe(before + 1);
    });
  });
}
