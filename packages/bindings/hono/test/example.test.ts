import {
  expectReadmeChargeExample,
  listenFetch,
  type ScenarioServer,
  signToken,
} from '@oncely/http-scenarios';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { app, charges, fences, jwtSecret } from '../examples/app.js';

let server: ScenarioServer;
beforeAll(async () => {
  server = await listenFetch(app.fetch);
});
afterAll(() => server.close());

it('the README example charges once per customer and replays the retry', async () => {
  await expectReadmeChargeExample(server.url, charges, {
    alice: signToken('alice', 0, jwtSecret),
    bob: signToken('bob', 0, jwtSecret),
  });
  // The route-level instance ran each charge: its attempt (fence and all) reached the handler.
  expect(fences).toHaveLength(2);
  for (const fence of fences) expect(fence).toBeGreaterThan(0);
});
