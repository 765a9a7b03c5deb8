import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  createHttpIdempotency,
  fromNodeRequest,
  handleNodeRequest,
  InvalidArgumentError,
  nodeRoutePattern,
  resolveRouteCoverage,
  routeInstance,
} from '../../src/index.js';
import { MemoryStore } from '../support/memory.js';

describe('fromNodeRequest', () => {
  it("splits the URL, prefers Express's originalUrl and hands a doubled key header over as lines", () => {
    const raw = { headersDistinct: { 'idempotency-key': ['a', ''] } };
    const request = fromNodeRequest(
      {
        method: 'POST',
        url: '/7?x=1',
        originalUrl: '/orders/7?x=1',
        headers: { 'idempotency-key': 'a, ' },
        body: { a: 1 },
      },
      'idempotency-key',
      raw,
    );
    expect(request).toEqual({
      method: 'POST',
      path: '/orders/7',
      query: 'x=1',
      headers: { 'idempotency-key': ['a', ''] },
      body: { a: 1 },
    });
    expect(fromNodeRequest({ url: '/p', headers: {} }, 'idempotency-key')).toMatchObject({
      method: 'GET',
      path: '/p',
      query: '',
    });
  });
});

describe('nodeRoutePattern', () => {
  it("reads Fastify's routeOptions.url, or Express's mount path and route.path", () => {
    expect(nodeRoutePattern({ routeOptions: { url: '/orders/:id' } })).toBe('/orders/:id');
    expect(nodeRoutePattern({ baseUrl: '/api', route: { path: '/orders/:id' } })).toBe(
      '/api/orders/:id',
    );
    expect(nodeRoutePattern({ url: '/orders/7' })).toBeUndefined();
  });
});

describe('per-route settings', () => {
  const base = { store: new MemoryStore() };
  const shared = createHttpIdempotency(base);

  it('route coverage: a default, "all" or "opt-in", anything else refused', () => {
    expect(resolveRouteCoverage(undefined, 'opt-in')).toBe('opt-in');
    expect(resolveRouteCoverage('all', 'opt-in')).toBe('all');
    expect(() => resolveRouteCoverage('some', 'all')).toThrow(InvalidArgumentError);
  });

  it('false is off, true the shared instance, nothing follows the coverage', () => {
    expect(routeInstance(false, 'all', base, shared, 'f')).toBeUndefined();
    expect(routeInstance(true, 'opt-in', base, shared, 'f')).toBe(shared);
    expect(routeInstance(undefined, 'all', base, shared, 'f')).toBe(shared);
    expect(routeInstance(undefined, 'opt-in', base, shared, 'f')).toBeUndefined();
    expect(() => routeInstance('yes', 'all', base, shared, 'config.idempotency')).toThrow(
      /config\.idempotency/,
    );
  });

  it("options: one instance per setting object, with the route's options over the base", () => {
    const setting = { maxBodyBytes: 7 };
    const made = routeInstance(setting, 'opt-in', base, shared, 'f');
    expect(made?.settings.maxBodyBytes).toBe(7);
    expect(routeInstance(setting, 'opt-in', base, shared, 'f')).toBe(made);
    expect(routeInstance({ maxBodyBytes: 7 }, 'opt-in', base, shared, 'f')).not.toBe(made);
  });
});

describe('handleNodeRequest over a real server', () => {
  it('runs the handler once, holds its response until stored, replays it to the retry', async () => {
    const http = createHttpIdempotency<IncomingMessage>({ store: new MemoryStore() });
    let runs = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      handleNodeRequest(http, {
        request: fromNodeRequest(req, http.settings.header),
        response: res,
        native: req,
        carrier: req,
        proceed: (attempt) => {
          res.statusCode = attempt ? 201 : 200;
          res.setHeader('content-type', 'text/plain');
          res.end(`run ${++runs}`);
        },
        fail: () => res.destroy(),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
    const post = (key?: string) =>
      fetch(url, { method: 'POST', headers: key ? { 'idempotency-key': key } : {} });
    try {
      const first = await post('k1');
      const again = await post('k1');
      expect([first.status, await first.text()]).toEqual([201, 'run 1']);
      expect([again.status, await again.text()]).toEqual([201, 'run 1']);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const keyless = await post();
      expect([keyless.status, await keyless.text()]).toEqual([200, 'run 2']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the held response once it is delivered', () => {
  /** A server whose handler answers through handleNodeRequest; `prepare` runs on each response first. */
  async function serve(prepare: (res: ServerResponse) => void) {
    const http = createHttpIdempotency<IncomingMessage>({ store: new MemoryStore() });
    // Each test sends one request: this settles once its response has been handed to the socket.
    let onFinish: (res: ServerResponse) => void = () => {};
    const finished = new Promise<ServerResponse>((resolve) => {
      onFinish = resolve;
    });
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      prepare(res);
      res.on('finish', () => onFinish(res));
      handleNodeRequest(http, {
        request: fromNodeRequest(req, http.settings.header),
        response: res,
        native: req,
        carrier: req,
        proceed: () => {
          res.writeHead(201, { 'content-type': 'text/plain' });
          res.write('run ');
          res.end('1');
        },
        fail: () => res.destroy(),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
    const post = async () => {
      const answer = await fetch(url, { method: 'POST', headers: { 'idempotency-key': 'k1' } });
      return [answer.status, await answer.text()];
    };
    const close = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };
    return { post, finished, close };
  }

  it('has no methods of its own left: what runs after it sees the response Node made', async () => {
    const { post, finished, close } = await serve(() => {});
    try {
      expect(await post()).toEqual([201, 'run 1']);
      const res = await finished;
      expect(['writeHead', 'write', 'end'].filter((name) => Object.hasOwn(res, name))).toEqual([]);
    } finally {
      await close();
    }
  });

  it("gets back the methods a middleware before it put on it (compression's)", async () => {
    const wrappers = new Map<ServerResponse, { write: unknown; end: unknown }>();
    const { post, finished, close } = await serve((res) => {
      const { write, end } = res;
      // As compression does: its own write/end over the prototype's, calling them in turn.
      const own = {
        write: (...args: unknown[]) => (write as (...a: unknown[]) => boolean).apply(res, args),
        end: (...args: unknown[]) => (end as (...a: unknown[]) => ServerResponse).apply(res, args),
      };
      Object.assign(res, own);
      wrappers.set(res, own);
    });
    try {
      expect(await post()).toEqual([201, 'run 1']);
      const res = await finished;
      expect(res.write).toBe(wrappers.get(res)?.write);
      expect(res.end).toBe(wrappers.get(res)?.end);
    } finally {
      await close();
    }
  });
});
