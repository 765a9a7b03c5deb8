import { createIdempotency } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';

const idempotency = createIdempotency({ store: new MemoryStore(), ttl: '24h', lease: '30s' });

let chargesMade = 0;

function createCharge(customer: string, key: string, amount: number) {
  // Same key + same request: the first call runs, every retry gets its result back. `scope`
  // makes keys per customer: another customer's "order-42" is a key of their own.
  return idempotency.run({ key, scope: customer, request: { amount } }, async ({ fence }) => {
    chargesMade++; // your side effect; pass `fence` to systems that can refuse stale writers
    return { id: `ch_${chargesMade}`, amount, fence };
  });
}

const first = await createCharge('alice', 'order-42', 1000);
const retry = await createCharge('alice', 'order-42', 1000);
console.log(first.status, retry.status, retry.value.id === first.value.id, chargesMade);
// -> executed replayed true 1
