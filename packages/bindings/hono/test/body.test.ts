import { listenFetch, send } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { idempotency } from '../src/index.js';

it('a body a validator read before the middleware is fingerprinted and still reaches the handler', async () => {
  const app = new Hono();
  let runs = 0;
  // A validator's way: Hono reads the body once and caches it on c.req.
  app.use(async (c, next) => {
    if (typeof (await c.req.json<{ amount?: unknown }>()).amount !== 'number') {
      return c.json({ error: 'amount' }, 400);
    }
    await next();
  });
  app.use(idempotency({ store: new MemoryStore() }));
  app.post('/pay', async (c) => c.json({ run: ++runs, ...(await c.req.json()) }, 201));
  const server = await listenFetch(app.fetch);
  try {
    const first = await send(`${server.url}/pay`, { key: 'k1', body: { amount: 1 } });
    const again = await send(`${server.url}/pay`, { key: 'k1', body: { amount: 1 } });
    const other = await send(`${server.url}/pay`, { key: 'k1', body: { amount: 2 } });
    expect(first.json()).toEqual({ run: 1, amount: 1 });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(other.status).toBe(422);
    expect(runs).toBe(1);
  } finally {
    await server.close();
  }
});
