import { expectReadmeChargeExample, send, signToken } from '@oncely/http-scenarios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { app, charges, jwtSecret } from '../examples/app.js';

let url: string;

beforeAll(async () => {
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

it('the README example charges once per customer, replays the retry, and skips the opted-out route', async () => {
  await expectReadmeChargeExample(url, charges, {
    alice: signToken('alice', 0, jwtSecret),
    bob: signToken('bob', 0, jwtSecret),
  });
  const ping = await send(`${url}/ping`, {
    body: {},
    headers: { authorization: `Bearer ${signToken('alice', 0, jwtSecret)}` },
  });
  expect(ping.status).toBe(200);
  expect(ping.json()).toEqual({ pong: true });
});
