import { createClient } from '@oncely/client';
import ky from 'ky';

const client = createClient();

// ky hands every request to the fetch you give it. The client does the retries and keeps the
// deadline: ky's own retry (it never retries POST anyway) and timeout are turned off.
export const api = ky.create({ fetch: client.fetch, retry: 0, timeout: false });

export async function chargeOrder(prefixUrl: string, orderId: string, amount: number) {
  const response = await api.post('charges', {
    prefixUrl,
    json: { amount, currency: 'eur' },
    // A key in the headers is the operation's key: every retry sends it (leave it out for a
    // fresh random one).
    headers: { 'idempotency-key': `charge-${orderId}` },
  });
  return {
    charge: await response.json<{ id: string }>(),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}
