import type { ServerResponse } from 'node:http';
import { MemoryStore } from '@oncely/memory';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idempotency } from '../src/index.js';
import { listen, postWithKey } from './listen.js';

// A middleware mounted before oncely that puts its own write/end on each response, as
// compression does: here it upper-cases the body on its way out.
function upperCaseBodies(_req: unknown, res: ServerResponse, next: () => void): void {
  const write = res.write;
  const end = res.end;
  const upper = (chunk: unknown) =>
    typeof chunk === 'string' || Buffer.isBuffer(chunk)
      ? Buffer.from(chunk.toString().toUpperCase())
      : chunk;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    return (write as (...args: unknown[]) => boolean).call(this, upper(chunk), ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'function')
      return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    if (Buffer.isBuffer(chunk) || typeof chunk === 'string') res.removeHeader('content-length');
    return (end as (...args: unknown[]) => ServerResponse).call(this, upper(chunk), ...rest);
  } as ServerResponse['end'];
  next();
}

let url: string;
let close: () => void;
let runs = 0;

beforeAll(async () => {
  const app = express();
  app.use(upperCaseBodies);
  app.use(express.json());
  app.use(idempotency({ store: new MemoryStore() }));
  app.post('/orders', (req, res) => {
    runs++;
    res.status(201).type('text/plain').send(`order ${runs} for ${req.body.item}`);
  });

  const running = await listen(app);
  url = `${running.origin}/orders`;
  close = running.close;
});

afterAll(() => close());

const post = (key: string) => postWithKey(url, key, { item: 'tea' });

it('holds the response under a middleware that wraps write/end, and replays it through it', async () => {
  const first = await post('wrapped-1');
  expect(first.status).toBe(201);
  expect(await first.text()).toBe('ORDER 1 FOR TEA');
  const again = await post('wrapped-1');
  expect(again.status).toBe(201);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(await again.text()).toBe('ORDER 1 FOR TEA');
  expect(runs).toBe(1);
  // And a request after them is not held by a hold left behind.
  const other = await post('wrapped-2');
  expect(await other.text()).toBe('ORDER 2 FOR TEA');
});
