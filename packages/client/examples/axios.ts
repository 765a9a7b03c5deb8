import { createClient } from '@oncely/client';
import axios from 'axios';

const client = createClient();

// axios 1.12+: the fetch adapter calls the fetch you hand it, so requests go through the client.
export const api = axios.create({ adapter: 'fetch', env: { fetch: client.fetch } });

export async function chargeOrder(baseURL: string, orderId: string, amount: number) {
  const response = await api.post(
    '/charges',
    { amount, currency: 'eur' },
    // fetchOptions reach the client: the operation's key (or leave it out for a fresh one).
    { baseURL, fetchOptions: { idempotencyKey: `charge-${orderId}` } },
  );
  return { charge: response.data, replayed: response.headers['idempotent-replayed'] === 'true' };
}
