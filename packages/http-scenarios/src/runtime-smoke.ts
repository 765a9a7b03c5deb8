import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ENCODED_PLAIN, ScenarioApp, streamByte } from './app.js';
import { send } from './client.js';
import { exchange, headerValues } from './raw-http.js';
import type { ScenarioServer } from './run.js';

/** Options that can cross into another runtime: JSON, no functions, no store object. */
export type PortableOptions = Record<string, string | number | boolean | string[]>;

export interface RuntimeTarget {
  /** Shown in the test names, e.g. `fetch on bun`. */
  name: string;
  /**
   * Start the binding in the other runtime, with its own memory store and `options`, in front
   * of `app` (which runs in this process, so the test sees the handler's runs).
   */
  start(app: ScenarioApp, options: PortableOptions): Promise<ScenarioServer>;
  /**
   * The runtime tells the handler the client accepts gzip and br whatever it sent, and decodes
   * for the client itself (workerd: every Worker sees `Accept-Encoding: br, gzip`; the edge
   * decodes). A replay then keeps its coding, and what the client gets must decode to the same.
   */
  acceptsEncodingForClient?: boolean;
}

/**
 * The scenarios that show a binding works in another runtime (Bun, workerd): replay, one run
 * under a burst of duplicates, refusals, bounded capture of a stream, content-coding undone on
 * replay (the runtime's decoders). The whole suite runs on Node; this is what must hold too
 * where only `Request`/`Response` and the runtime's own APIs are there.
 */
export function runRuntimeSmoke(target: RuntimeTarget): void {
  describe(`runtime smoke: ${target.name}`, () => {
    const open: ScenarioServer[] = [];
    afterAll(async () => {
      await Promise.all(open.map((server) => server.close()));
    });
    async function start(options: PortableOptions = {}) {
      const app = new ScenarioApp();
      const server = await target.start(app, { lease: '10s', ...options });
      open.push(server);
      return { app, url: (path: string) => `${server.url}${path}`, base: server.url };
    }

    it('runs once, replays the exact response, refuses another body and a missing key', async () => {
      const { app, url } = await start({ required: true });
      const key = randomUUID();
      const first = await send(url('/r/order'), { key, body: { a: 1 } });
      const again = await send(url('/r/order'), { key, body: { a: 1 } });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(first.headers.getSetCookie()).toHaveLength(2);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.getSetCookie()).toEqual([]);
      expect(again.headers.get('x-order-number')).toBe('ord_1');
      expect(again.body.equals(first.body)).toBe(true);
      const other = await send(url('/r/order'), { key, body: { a: 2 } });
      expect(other.status).toBe(422);
      expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await send(url('/r/order'), { body: { a: 1 } })).status).toBe(400);
      expect(app.calls('order')).toBe(1);
    });

    it('20 concurrent requests with one key run the handler once', async () => {
      const { app, url } = await start();
      const key = randomUUID();
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => send(url('/r/order'), { key, body: { a: 1 } })),
      );
      for (const reply of replies) expect([201, 409]).toContain(reply.status);
      expect(app.calls('order')).toBe(1);
    });

    it('binary bytes replay exactly', async () => {
      const { url } = await start();
      const key = randomUUID();
      const body = Buffer.from([0, 255, 1]);
      const contentType = 'application/octet-stream';
      const first = await send(url('/r/binary'), { key, body, contentType });
      const again = await send(url('/r/binary'), { key, body, contentType });
      expect(first.body).toHaveLength(1024);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.equals(first.body)).toBe(true);
    });

    it('a stream past maxBodyBytes reaches the client whole and is not stored', async () => {
      const { app, url } = await start({ maxBodyBytes: 64 * 1024 });
      const size = 512 * 1024 + 3;
      const key = randomUUID();
      const reply = await send(url(`/r/stream?size=${size}`), { key });
      expect(reply.body).toHaveLength(size);
      for (let i = 0; i < size; i += 997) expect(reply.body[i]).toBe(streamByte(i));
      await send(url(`/r/stream?size=${size}`), { key });
      expect(app.calls('stream')).toBe(2);
    });

    it('a gzip body is replayed decoded to a client that does not accept gzip', async () => {
      const { app, base } = await start();
      const key = randomUUID();
      const post = (headers: [string, string][]) =>
        exchange(base, {
          method: 'POST',
          path: '/r/encoded?coding=gzip',
          headers: [['Idempotency-Key', key], ['Content-Type', 'application/json'], ...headers],
          body: Buffer.from('{"amount":1}'),
        });
      const live = await post([['Accept-Encoding', 'gzip']]);
      expect(headerValues(live, 'content-encoding')).toEqual(['gzip']);
      expect(gunzipSync(live.body).equals(ENCODED_PLAIN)).toBe(true);
      const bare = await post([]);
      expect(headerValues(bare, 'idempotent-replayed')).toEqual(['true']);
      if (target.acceptsEncodingForClient) {
        expect(headerValues(bare, 'content-encoding')).toEqual(['gzip']);
        expect(gunzipSync(bare.body).equals(ENCODED_PLAIN)).toBe(true);
      } else {
        expect(headerValues(bare, 'content-encoding')).toEqual([]);
        expect(bare.body.equals(ENCODED_PLAIN)).toBe(true);
      }
      expect(app.calls('encoded')).toBe(1);
    });
  });
}
