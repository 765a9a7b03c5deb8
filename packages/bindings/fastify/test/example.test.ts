import { send } from '@oncely/http-scenarios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { app, charges } from '../examples/app.js';

let url: string;

beforeAll(async () => {
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

it('the README example charges once, replays the retry, and skips the opted-out route', async () => {
  const first = await send(`${url}/charges`, { key: 'charge-1', body: { amount: 1200 } });
  const retry = await send(`${url}/charges`, { key: 'charge-1', body: { amount: 1200 } });
  expect(first.status).toBe(201);
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.json()).toEqual({ id: 'ch_1', amount: 1200 });
  expect(charges).toHaveLength(1);
  expect((await send(`${url}/charges`, { body: { amount: 1200 } })).status).toBe(400);
  const ping = await send(`${url}/ping`, { body: {} });
  expect(ping.status).toBe(200);
  expect(ping.json()).toEqual({ pong: true });
});
