import { randomUUID } from 'node:crypto';
import type { HttpIdempotencyOptions, Store } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { until } from '@oncely/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioApp, streamByte } from './app.js';
import { rawRequest, send } from './client.js';
import { protocolScenarios } from './scenarios/index.js';
import { maxRunTimeScenarios } from './scenarios/max-run-time.js';
import { runSeamScenarios } from './seams/index.js';
import type { SeamOptions } from './seams/options.js';
import type { HttpParserModel } from './security/parsers.js';

/** What a binding's test server is started with. */
export interface ScenarioServerOptions {
  /** The application to mount at `/r/:name` (GET, POST, PATCH, PUT) behind the binding. */
  app: ScenarioApp;
  /** The binding's options (core's HTTP options; `store` is always set). */
  idempotency: HttpIdempotencyOptions;
  /** How the binding meets auth, routing and error handling; none when absent. */
  seams?: SeamOptions;
  /**
   * Mount the framework's real response compression (Express `compression`, `koa-compress`,
   * `@fastify/compress`; threshold 0, so every body is compressed for a client that asks)
   * after the binding and before the routes: where a user who adds it after oncely puts it.
   */
  compress?: boolean;
}

export interface ScenarioServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

export interface HttpScenarioTarget {
  /** Shown in the test names, e.g. `express 5`. */
  name: string;
  /**
   * Start a real server on 127.0.0.1, port 0, with body parsers for JSON
   * (`application/json`), raw bytes (`application/octet-stream`) and text (`text/plain`)
   * mounted before the binding.
   */
  startServer(options: ScenarioServerOptions): Promise<ScenarioServer>;
  /** The store under test; a fresh one per server. Default: a new `MemoryStore`. */
  createStore?: () => Store | Promise<Store>;
  /**
   * How an app-level and a route-level registration meet. `"outer-first"` (Express, Koa): the
   * app-level middleware sees each request before routing, hands it to the route's, and so
   * refuses a route-level registration that differs in a setting it answers with itself.
   * `"route-first"` (default; Fastify): the route's registration is known before the request
   * is, and every setting may differ per route.
   */
  nesting?: 'outer-first' | 'route-first';
  /** What the server's HTTP parser refuses before any handler runs. Default: node:http's. */
  parser?: HttpParserModel;
}

const problemType = (code: string) => `https://oncely.dev/problems/${code}`;

/**
 * The HTTP behaviour every binding must show, over a real listening server and a real client:
 * every row of the design's HTTP table plus races, byte-exact replay, header filtering, scopes,
 * the store policy, fail-closed outages, streamed bodies past the limit and bad input.
 */
export function runHttpScenarios(target: HttpScenarioTarget): void {
  const createStore = target.createStore ?? (() => new MemoryStore());
  const servers: ScenarioServer[] = [];

  async function start(options: Partial<HttpIdempotencyOptions> = {}, store?: Store) {
    const app = new ScenarioApp();
    const server = await target.startServer({
      app,
      idempotency: { lease: '10s', ...options, store: store ?? (await createStore()) },
    });
    servers.push(server);
    const url = (path: string) => `${server.url}${path}`;
    return { app, server, url };
  }

  describe(`HTTP scenarios: ${target.name}`, () => {
    let app: ScenarioApp;
    let url: (path: string) => string;
    let base: string;

    beforeAll(async () => {
      ({ app, url } = await start());
      base = url('');
    });

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.close()));
    });

    const key = () => randomUUID();

    describe('the HTTP table', () => {
      it('key missing on a route that requires it: 400 problem+json, handler not run', async () => {
        const required = await start({ required: true });
        const reply = await send(required.url('/r/order'), { body: { a: 1 } });
        expect(reply.status).toBe(400);
        expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(reply.json()).toMatchObject({ type: problemType('missing-key'), status: 400 });
        expect(required.app.calls('order')).toBe(0);
      });

      it('key missing when optional: passed through and run every time', async () => {
        const before = app.calls('order');
        const first = await send(url('/r/order'), { body: { a: 1 } });
        const second = await send(url('/r/order'), { body: { a: 1 } });
        expect([first.status, second.status]).toEqual([201, 201]);
        expect(second.headers.get('idempotent-replayed')).toBeNull();
        expect(app.calls('order')).toBe(before + 2);
      });

      it.each([
        ['empty', ''],
        ['an empty sf-string', '""'],
        ['256 characters', 'k'.repeat(256)],
        ['an unterminated sf-string', '"abc'],
        ['a bad sf-string escape', '"a\\qb"'],
        ['text after an sf-string', '"abc"x'],
        ['a space inside an sf-string', '"a b"'],
        ["8 KB (fits in node's 16 KB header limit)", 'k'.repeat(8 * 1024)],
      ])('key malformed (%s): 400 problem+json, handler not run', async (_, value) => {
        const before = app.calls('order');
        const reply = await send(url('/r/order'), { key: value, body: { a: 1 } });
        expect(reply.status).toBe(400);
        expect(reply.json()).toMatchObject({ type: problemType('invalid-key'), status: 400 });
        expect(app.calls('order')).toBe(before);
      });

      it('same key, other request (body, path or method): 422 problem+json', async () => {
        const k = key();
        expect((await send(url('/r/order'), { key: k, body: { amount: 1 } })).status).toBe(201);
        const before = app.calls('order');
        const otherBody = await send(url('/r/order'), { key: k, body: { amount: 2 } });
        const otherPath = await send(url('/r/text'), { key: k, body: { amount: 1 } });
        const otherMethod = await send(url('/r/order'), {
          key: k,
          method: 'PATCH',
          body: { amount: 1 },
        });
        for (const reply of [otherBody, otherPath, otherMethod]) {
          expect(reply.status).toBe(422);
          expect(reply.json()).toMatchObject({ type: problemType('fingerprint-mismatch') });
        }
        expect(app.calls('order')).toBe(before);
      });

      it('same key, first request still running: 409 problem+json with Retry-After', async () => {
        const k = key();
        const before = app.calls('order');
        const finish = app.hold(k);
        const first = send(url(`/r/order?hold=${k}`), { key: k, body: { a: 1 } });
        await until(() => app.calls('order') > before, 'the first request in its handler');
        const second = await send(url(`/r/order?hold=${k}`), { key: k, body: { a: 1 } });
        finish();
        expect(second.status).toBe(409);
        expect(second.json()).toMatchObject({ type: problemType('conflict'), status: 409 });
        const retryAfter = Number(second.headers.get('retry-after'));
        expect(Number.isInteger(retryAfter)).toBe(true);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(10);
        expect((await first).status).toBe(201);
      });

      it('same key, first request finished: the stored response, original status, replay header', async () => {
        const k = key();
        const first = await send(url('/r/order?x=1'), { key: k, body: { a: 1, b: [2, 3] } });
        const before = app.calls('order');
        // Key order in the JSON body and the order of query parameters do not matter.
        const again = await send(url('/r/order?x=1'), { key: k, body: { b: [2, 3], a: 1 } });
        expect(first.status).toBe(201);
        expect(again.status).toBe(201);
        expect(first.headers.get('idempotent-replayed')).toBeNull();
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body.equals(first.body)).toBe(true);
        expect(app.calls('order')).toBe(before);
        for (const name of ['content-type', 'x-run', 'x-order-number', 'cache-control']) {
          expect(again.headers.get(name), name).toBe(first.headers.get(name));
        }
        // Set-Cookie belongs to the first response only.
        expect(first.headers.getSetCookie()).toHaveLength(2);
        expect(again.headers.getSetCookie()).toEqual([]);
      });

      it('store unreachable: 503 problem+json with Retry-After; the handler does not run', async () => {
        const store = new MemoryStore();
        await store.close();
        const down = await start({}, store);
        const reply = await send(down.url('/r/order'), { key: key(), body: { a: 1 } });
        expect(reply.status).toBe(503);
        expect(reply.json()).toMatchObject({ type: problemType('store-unavailable'), status: 503 });
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(down.app.calls('order')).toBe(0);
      });

      it('methods not covered (GET, HEAD, OPTIONS, and PUT by default) pass through untouched', async () => {
        const k = key();
        const before = app.calls('order');
        const get1 = await send(url('/r/order'), { key: k, method: 'GET' });
        const get2 = await send(url('/r/order'), { key: k, method: 'GET' });
        const head = await send(url('/r/order'), { key: k, method: 'HEAD' });
        const put1 = await send(url('/r/order'), { key: k, method: 'PUT', body: { a: 1 } });
        const put2 = await send(url('/r/order'), { key: k, method: 'PUT', body: { a: 1 } });
        for (const reply of [get1, get2, put1, put2]) {
          expect(reply.status).toBe(201);
          expect(reply.headers.get('idempotent-replayed')).toBeNull();
        }
        expect(head.headers.get('idempotent-replayed')).toBeNull();
        expect(app.calls('order')).toBe(before + 5);
        // Even a malformed key is not looked at on a method that is not covered.
        expect((await send(url('/r/order'), { key: '"bad', method: 'GET' })).status).toBe(201);
      });
    });

    describe('lifecycle', () => {
      it('PATCH is covered and replays', async () => {
        const k = key();
        const first = await send(url('/r/order'), { key: k, method: 'PATCH', body: { a: 1 } });
        const again = await send(url('/r/order'), { key: k, method: 'PATCH', body: { a: 1 } });
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body.equals(first.body)).toBe(true);
      });

      it('a retry after the handler threw runs again', async () => {
        const k = key();
        const before = app.calls('fail');
        const first = await send(url('/r/fail'), { key: k, body: { a: 1 } });
        const second = await send(url('/r/fail'), { key: k, body: { a: 1 } });
        expect(first.status).toBe(500);
        expect(second.status).toBe(500);
        expect(second.headers.get('idempotent-replayed')).toBeNull();
        expect(app.calls('fail')).toBe(before + 2);
      });

      it.each([500, 503, 408, 429])(
        'a %i response is released and the retry runs again',
        async (code) => {
          const k = key();
          const first = await send(url(`/r/status?code=${code}`), { key: k, body: { a: 1 } });
          const second = await send(url(`/r/status?code=${code}`), { key: k, body: { a: 1 } });
          expect([first.status, second.status]).toEqual([code, code]);
          expect(second.headers.get('idempotent-replayed')).toBeNull();
          expect(Number(second.headers.get('x-run'))).toBe(Number(first.headers.get('x-run')) + 1);
        },
      );

      it('a 4xx outcome such as 404 is stored and replayed', async () => {
        const k = key();
        const first = await send(url('/r/status?code=404'), { key: k, body: { a: 1 } });
        const again = await send(url('/r/status?code=404'), { key: k, body: { a: 1 } });
        expect(again.status).toBe(404);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.headers.get('x-run')).toBe(first.headers.get('x-run'));
      });

      it('a user policy can store what the default releases', async () => {
        const custom = await start({ shouldStore: (response) => response.status !== 404 });
        const k = key();
        await send(custom.url('/r/status?code=503'), { key: k, body: { a: 1 } });
        const again = await send(custom.url('/r/status?code=503'), { key: k, body: { a: 1 } });
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        const k2 = key();
        await send(custom.url('/r/status?code=404'), { key: k2, body: { a: 1 } });
        const rerun = await send(custom.url('/r/status?code=404'), { key: k2, body: { a: 1 } });
        expect(rerun.headers.get('idempotent-replayed')).toBeNull();
      });

      it('100 concurrent identical requests run the handler once; the others get 409 or the replay', async () => {
        const k = key();
        const before = app.calls('order');
        const replies = await Promise.all(
          Array.from({ length: 100 }, () =>
            send(url('/r/order?delay=300'), { key: k, body: { n: 100 } }),
          ),
        );
        expect(app.calls('order')).toBe(before + 1);
        const executed = replies.filter(
          (r) => r.status === 201 && r.headers.get('idempotent-replayed') === null,
        );
        expect(executed).toHaveLength(1);
        for (const reply of replies) {
          if (reply.status === 409) expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
          else {
            expect(reply.status).toBe(201);
            expect(reply.body.equals(executed[0]?.body ?? Buffer.alloc(0))).toBe(true);
          }
        }
      });

      it('a client that gives up mid-handler does not free the key: the handler runs once and the retry gets its result', async () => {
        const k = key();
        const before = app.calls('order');
        const finish = app.hold(k);
        const client = new AbortController();
        const giving = send(url(`/r/order?hold=${k}`), {
          key: k,
          body: { n: 1 },
          signal: client.signal,
        }).catch((error: unknown) => error);
        await until(() => app.calls('order') > before, 'the request in its handler');
        client.abort();
        expect(await giving).toBeInstanceOf(Error);
        // The handler is still running: the retry must not start a second run.
        const during = await send(url(`/r/order?hold=${k}`), { key: k, body: { n: 1 } });
        finish();
        expect(during.status).toBe(409);
        let after = during;
        await until(async () => {
          after = await send(url(`/r/order?hold=${k}`), { key: k, body: { n: 1 } });
          return after.status !== 409;
        }, 'the first run to complete');
        expect(after.status).toBe(201);
        expect(after.headers.get('idempotent-replayed')).toBe('true');
        expect(app.calls('order')).toBe(before + 1);
      });

      it('in wait mode, 100 concurrent identical requests run once and all get the result', async () => {
        const waiting = await start({ wait: '10s' });
        const k = key();
        const replies = await Promise.all(
          Array.from({ length: 100 }, () =>
            send(waiting.url('/r/order?delay=300'), { key: k, body: { n: 100 } }),
          ),
        );
        expect(waiting.app.calls('order')).toBe(1);
        const replayed = replies.filter((r) => r.headers.get('idempotent-replayed') === 'true');
        expect(replayed).toHaveLength(99);
        for (const reply of replies) {
          expect(reply.status).toBe(201);
          expect(reply.body.equals(replies[0]?.body ?? Buffer.alloc(0))).toBe(true);
        }
      });

      it('two scopes with the same key do not see each other', async () => {
        const scoped = await start({
          scope: (request) => String(request.headers['x-tenant'] ?? ''),
        });
        const k = key();
        const a = await send(scoped.url('/r/order'), {
          key: k,
          body: { a: 1 },
          headers: { 'x-tenant': 'a' },
        });
        const b = await send(scoped.url('/r/order'), {
          key: k,
          body: { b: 2 },
          headers: { 'x-tenant': 'b' },
        });
        expect(a.status).toBe(201);
        expect(b.status).toBe(201); // not 422: tenant b's key is its own
        expect(b.headers.get('idempotent-replayed')).toBeNull();
        const againA = await send(scoped.url('/r/order'), {
          key: k,
          body: { a: 1 },
          headers: { 'x-tenant': 'a' },
        });
        expect(againA.body.equals(a.body)).toBe(true);
        expect(scoped.app.calls('order')).toBe(2);
      });

      it('a custom header name and replayHeaders are honoured', async () => {
        const custom = await start({ header: 'X-Request-Key', replayHeaders: ['set-cookie'] });
        const k = key();
        const first = await send(custom.url('/r/order'), {
          headers: { 'x-request-key': k },
          body: { a: 1 },
        });
        const again = await send(custom.url('/r/order'), {
          headers: { 'x-request-key': k },
          body: { a: 1 },
        });
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.headers.getSetCookie()).toEqual(first.headers.getSetCookie());
      });
    });

    describe('bodies', () => {
      it('a binary body (every byte value) replays byte-exact', async () => {
        const k = key();
        const first = await send(url('/r/binary'), {
          key: k,
          body: Buffer.from([0, 255, 1]),
          contentType: 'application/octet-stream',
        });
        const again = await send(url('/r/binary'), {
          key: k,
          body: Buffer.from([0, 255, 1]),
          contentType: 'application/octet-stream',
        });
        expect(first.body).toHaveLength(1024);
        for (let i = 0; i < 1024; i++) expect(first.body[i]).toBe(i % 256);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body.equals(first.body)).toBe(true);
        expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
      });

      it('a different binary request body with the same key is a mismatch', async () => {
        const k = key();
        await send(url('/r/binary'), {
          key: k,
          body: Buffer.from([1, 2]),
          contentType: 'application/octet-stream',
        });
        const other = await send(url('/r/binary'), {
          key: k,
          body: Buffer.from([1, 3]),
          contentType: 'application/octet-stream',
        });
        expect(other.status).toBe(422);
      });

      it('an empty body replays as empty, with its status', async () => {
        const k = key();
        const first = await send(url('/r/empty'), { key: k });
        const again = await send(url('/r/empty'), { key: k });
        expect(first.status).toBe(200);
        expect(first.body).toHaveLength(0);
        expect(again.status).toBe(200);
        expect(again.body).toHaveLength(0);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
      });

      it('a text body replays byte-exact', async () => {
        const k = key();
        const first = await send(url('/r/text'), { key: k, body: 'hi', contentType: 'text/plain' });
        const again = await send(url('/r/text'), { key: k, body: 'hi', contentType: 'text/plain' });
        expect(first.body.toString('utf8')).toMatch(/^héllo, run \d+$/);
        expect(again.body.equals(first.body)).toBe(true);
        expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
      });

      it('a streamed body within the limit is stored and replays byte-exact', async () => {
        const k = key();
        const size = 40 * 1024;
        const first = await send(url(`/r/stream?size=${size}`), { key: k });
        const again = await send(url(`/r/stream?size=${size}`), { key: k });
        expect(first.body).toHaveLength(size);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body.equals(first.body)).toBe(true);
      });

      it('a streamed body past maxBodyBytes reaches the client whole; the key is released', async () => {
        const limited = await start({ maxBodyBytes: 64 * 1024 });
        const k = key();
        const size = 1024 * 1024 + 7;
        const first = await send(limited.url(`/r/stream?size=${size}`), { key: k });
        expect(first.status).toBe(200);
        expect(first.body).toHaveLength(size);
        for (let i = 0; i < size; i += 997) expect(first.body[i]).toBe(streamByte(i));
        const again = await send(limited.url(`/r/stream?size=${size}`), { key: k });
        expect(again.body).toHaveLength(size);
        expect(again.headers.get('idempotent-replayed')).toBeNull();
        expect(limited.app.calls('stream')).toBe(2);
      });

      it('a JSON response over maxBodyBytes is sent and released, not stored', async () => {
        const limited = await start({ maxBodyBytes: 16 });
        const k = key();
        const first = await send(limited.url('/r/order'), { key: k, body: { a: 1 } });
        const again = await send(limited.url('/r/order'), { key: k, body: { a: 1 } });
        expect(first.status).toBe(201);
        expect(first.json()).toMatchObject({ order: 1 });
        expect(again.json()).toMatchObject({ order: 2 });
      });
    });

    maxRunTimeScenarios(start);

    describe('bad input never gets a 500 or crashes the server', () => {
      it("malformed JSON gets the framework's 400 and the handler does not run", async () => {
        const before = app.calls('order');
        const reply = await send(url('/r/order'), {
          key: key(),
          body: '{"a":',
          contentType: 'application/json',
        });
        expect(reply.status).toBe(400);
        expect(app.calls('order')).toBe(before);
      });

      it('non-UTF-8 bytes in the key: 400', async () => {
        const { hostname, port } = new URL(base);
        const head = Buffer.from(
          `POST /r/order HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\nIdempotency-Key: k`,
          'latin1',
        );
        const request = Buffer.concat([
          head,
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('\r\n\r\n{}', 'latin1'),
        ]);
        const before = app.calls('order');
        const reply = await rawRequest(hostname, Number(port), request);
        // Node either refuses the bytes itself (400) or hands them over and oncely refuses them.
        expect(reply.status).toBe(400);
        expect(app.calls('order')).toBe(before);
      });

      it.each([
        ['the second copy empty', ['k1', '']],
        ['both copies empty', ['', '']],
        ['two keys', ['k1', 'k2']],
      ])('the key header sent twice (%s): 400 invalid-key, never run', async (_, copies) => {
        const { hostname, port } = new URL(base);
        const lines = copies.map((copy) => `Idempotency-Key: ${copy}\r\n`).join('');
        const request = Buffer.from(
          `POST /r/order HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 0\r\nConnection: close\r\n${lines}\r\n`,
          'latin1',
        );
        const before = app.calls('order');
        const reply = await rawRequest(hostname, Number(port), request);
        expect(reply.status).toBe(400);
        expect(reply.text).toContain(problemType('invalid-key'));
        expect(app.calls('order')).toBe(before);
      });

      it('a 1 MB header is answered 431 by node itself (or the connection closed), never run', async () => {
        const { hostname, port } = new URL(base);
        const before = app.calls('order');
        const request = Buffer.from(
          `POST /r/order HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 0\r\nIdempotency-Key: ${'k'.repeat(1024 * 1024)}\r\n\r\n`,
          'latin1',
        );
        const reply = await rawRequest(hostname, Number(port), request);
        if (reply.status !== undefined) expect(reply.status).toBe(431);
        else expect(reply.closed).toBe(true);
        expect(app.calls('order')).toBe(before);
        // The server is still up.
        expect((await send(url('/r/order'), { key: key(), body: { a: 1 } })).status).toBe(201);
      });
    });

    protocolScenarios(target);
  });

  runSeamScenarios(target);
}
