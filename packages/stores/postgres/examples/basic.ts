import { createIdempotency } from '@oncely/core';
import { PostgresStore } from '@oncely/postgres';
import type { Pool } from 'pg';

export async function basicExample(pool: Pool, schema = 'public') {
  const store = new PostgresStore({ pool, schema });
  await store.migrate(); // idempotent; safe to run from every process at startup

  const idempotency = createIdempotency({ store });
  const charge = () =>
    idempotency.run({ key: 'order-42', request: { amountCents: 1999 } }, async ({ fence }) => {
      return { charged: 1999, fence };
    });

  const first = await charge(); // runs: { status: 'executed', value: { charged: 1999, ... } }
  const retry = await charge(); // does not run: { status: 'replayed', value: the same }
  return { first, retry };
}
