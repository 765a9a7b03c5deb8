import { listenFetch, type ScenarioServer, send } from '@oncely/http-scenarios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { charges, POST } from '../examples/route.js';

let server: ScenarioServer;
beforeAll(async () => {
  server = await listenFetch(POST);
});
afterAll(() => server.close());

it('the README example charges once per customer and replays the retry', async () => {
  const charge = (customer: string, key?: string) =>
    send(server.url, {
      key,
      body: { amount: 1200 },
      headers: { authorization: `Bearer ${customer}` },
    });
  const first = await charge('alice', 'order-42');
  const retry = await charge('alice', 'order-42');
  expect([first.status, retry.status]).toEqual([201, 201]);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.json()).toEqual(first.json());
  expect(first.json()).toMatchObject({ id: 'ch_1', customer: 'alice', fence: 1 });
  const bob = await charge('bob', 'order-42');
  expect(bob.json()).toMatchObject({ id: 'ch_2', customer: 'bob' });
  expect((await charge('alice')).status).toBe(400);
  expect(charges).toHaveLength(2);
});
