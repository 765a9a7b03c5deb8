import { expect } from 'vitest';
import { send } from './client.js';

/** Bearer tokens of two customers, as the example app's auth accepts them. */
export interface ExampleTokens {
  alice: string;
  bob: string;
}

/**
 * What every binding's README example promises: `POST /charges` requires a key and an
 * authenticated customer, charges once (recorded in `charges`), and its retry replays the same
 * 201 body. Another customer using the same key gets a charge of their own, never the first
 * customer's. The example apps differ only in the framework they mount the binding on.
 */
export async function expectReadmeChargeExample(
  url: string,
  charges: readonly unknown[],
  tokens: ExampleTokens,
): Promise<void> {
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const charge = (token: string, key?: string) =>
    send(`${url}/charges`, { key, body: { amount: 1200 }, headers: as(token) });
  const first = await charge(tokens.alice, 'order-42');
  const retry = await charge(tokens.alice, 'order-42');
  expect(first.status).toBe(201);
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.json()).toEqual({ id: 'ch_1', amount: 1200, customer: 'alice' });
  expect(charges).toHaveLength(1);
  const bob = await charge(tokens.bob, 'order-42');
  expect(bob.status).toBe(201);
  expect(bob.headers.get('idempotent-replayed')).toBeNull();
  expect(bob.json()).toEqual({ id: 'ch_2', amount: 1200, customer: 'bob' });
  const missing = await charge(tokens.alice);
  expect(missing.status).toBe(400);
  const anonymous = await send(`${url}/charges`, { key: 'order-43', body: { amount: 1200 } });
  expect(anonymous.status).toBe(401);
  expect(charges).toHaveLength(2);
}
