import { MemoryStore } from '@oncely/memory';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { idempotency } from '../src/index.js';
import { listen, postWithKey } from './listen.js';

let url: string;
let close: () => void;
let runs = 0;

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.use(idempotency({ store: new MemoryStore() }));
  // A mounted sub-app sets the response's prototype to its own on the way in.
  const shop = express();
  shop.post('/basket', (req, res) => {
    runs++;
    res.status(201).json({ basket: runs, item: req.body.item });
  });
  app.use('/shop', shop);
  const running = await listen(app);
  url = `${running.origin}/shop/basket`;
  close = running.close;
});

afterAll(() => close());

const post = (key: string) => postWithKey(url, key, { item: 'tea' });

it('holds, stores and replays the response of a route in a mounted sub-app', async () => {
  const first = await post('sub-app-1');
  expect(first.status).toBe(201);
  expect(await first.json()).toEqual({ basket: 1, item: 'tea' });
  const again = await post('sub-app-1');
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(await again.json()).toEqual({ basket: 1, item: 'tea' });
  expect(runs).toBe(1);
});
