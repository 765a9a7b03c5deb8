import type { AddressInfo } from 'node:net';
import { expectReadmeChargeExample } from '@oncely/http-scenarios';
import { afterAll, beforeAll, it } from 'vitest';
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

it('the README example charges once per customer and replays the retry', async () => {
  await expectReadmeChargeExample(url, charges, { alice: 'token-alice', bob: 'token-bob' });
});
