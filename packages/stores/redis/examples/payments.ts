import { createIdempotency } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import type { Redis } from 'ioredis';

/** A payment API whose `charge` runs once per idempotency key, however often it is retried. */
export function createPayments(client: Redis) {
  const idempotency = createIdempotency({ store: new RedisStore({ client }) });
  let charges = 0;

  return {
    charge: (idempotencyKey: string, amount: number) =>
      idempotency.run({ key: idempotencyKey, request: { amount } }, async () => {
        charges += 1; // your side effect: call the payment provider, write the order...
        return { chargeId: `ch_${charges}`, amount };
      }),
    get charges() {
      return charges;
    },
  };
}
