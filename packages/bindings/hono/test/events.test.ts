import type { OncelyEvent } from '@oncely/core';
import { listenFetch } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { expect, it } from 'vitest';
import { idempotency } from '../src/index.js';

it("tags every event with the route pattern and Hono's request id, never the path's ids", async () => {
  const events: OncelyEvent[] = [];
  const app = new Hono();
  app.use(requestId());
  app.use(idempotency({ store: new MemoryStore(), onEvent: (event) => events.push(event) }));
  app.post('/orders/:id/pay', (c) => c.json({ paid: c.req.param('id') }, 201));
  const server = await listenFetch(app.fetch);
  try {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${server.url}/orders/ord_42/pay`, {
        method: 'POST',
        headers: { 'idempotency-key': 'pay-42', 'x-request-id': `req-${i}` },
      });
      expect(response.status).toBe(201);
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    const settled = events.filter((event) => event.type === 'settled');
    expect(settled.map((event) => event.type === 'settled' && event.outcome)).toEqual([
      'executed',
      'replayed',
    ]);
    expect(settled.map((event) => event.context)).toEqual([
      { method: 'POST', route: '/orders/:id/pay', requestId: ids[0] },
      { method: 'POST', route: '/orders/:id/pay', requestId: ids[1] },
    ]);
    expect(ids).toEqual(['req-0', 'req-1']);
  } finally {
    await server.close();
  }
});
