import { randomUUID } from 'node:crypto';
import { createIdempotency } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import { Redis } from 'ioredis';

const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
// No client.on('error') here: the store then logs a Redis outage once (onWarning), not per retry.
const idempotency = createIdempotency({ store: new RedisStore({ client }), ttl: '24h' });

let chargesMade = 0;

function createCharge(key: string, amount: number) {
  // Same key + same request: the first call runs, every retry gets its result back.
  return idempotency.run({ key, request: { amount } }, async ({ fence }) => {
    chargesMade++; // your side effect; pass `fence` to systems that can refuse stale writers
    return { id: `ch_${chargesMade}`, amount, fence };
  });
}

const key = randomUUID(); // the client makes one key per operation and resends it on retries
const first = await createCharge(key, 1000);
const retry = await createCharge(key, 1000);
console.log(first.status, retry.status, retry.value.id === first.value.id, chargesMade);
// -> executed replayed true 1

await client.quit(); // the store never closes the client you gave it
