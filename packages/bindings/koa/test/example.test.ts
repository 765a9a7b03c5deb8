import type { AddressInfo } from 'node:net';
import { send } from '@oncely/http-scenarios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { app, charges } from '../examples/app.js';

let url: string;
let close: () => void;

beforeAll(async () => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

it('the README example charges once and replays the retry', async () => {
  const first = await send(`${url}/charges`, { key: 'charge-1', body: { amount: 1200 } });
  const retry = await send(`${url}/charges`, { key: 'charge-1', body: { amount: 1200 } });
  expect(first.status).toBe(201);
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.json()).toEqual({ id: 'ch_1', amount: 1200 });
  expect(charges).toHaveLength(1);
  const missing = await send(`${url}/charges`, { body: { amount: 1200 } });
  expect(missing.status).toBe(400);
  expect(charges).toHaveLength(1);
});
