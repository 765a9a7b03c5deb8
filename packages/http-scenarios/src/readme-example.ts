import { expect } from 'vitest';
import { send } from './client.js';

/**
 * What every binding's README example promises: `POST /charges` requires a key, charges once
 * (recorded in `charges`), and its retry replays the same 201 body. The example apps differ
 * only in the framework they mount the binding on.
 */
export async function expectReadmeChargeExample(
  url: string,
  charges: readonly unknown[],
): Promise<void> {
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
}
