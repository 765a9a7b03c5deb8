import { createClient, IdempotencyProblemError, RetriesExhaustedError } from '@oncely/client';

// One client for the app: retries with backoff and full jitter, Retry-After honoured,
// at most 5 attempts and 30 s per operation.
const client = createClient({ maxAttempts: 5, deadlineMs: 30_000 });

export async function chargeOrder(api: string, orderId: string, amount: number) {
  try {
    const response = await client.fetch(`${api}/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount, currency: 'eur' }),
      // One key per logical operation. Derived from the order, so a job that crashed and runs
      // again sends the same key too; leave it out and each call gets a fresh random key.
      idempotencyKey: `charge-${orderId}`,
    });
    const { attempts, replayed } = response.idempotency;
    console.log(`${response.status} after ${attempts} attempt(s)${replayed ? ', replayed' : ''}`);
    return (await response.json()) as { id: string; amount: number };
  } catch (error) {
    // 400/422: the key was misused (here: the same order charged with another amount).
    if (error instanceof IdempotencyProblemError) throw new Error(error.problem.detail);
    // The outcome is unknown; retrying later with the same key is safe.
    if (error instanceof RetriesExhaustedError) console.log(`try again later: ${error.reason}`);
    throw error;
  }
}
