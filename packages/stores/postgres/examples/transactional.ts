import { createIdempotency } from '@oncely/core';
import { PostgresStore, runTransactional } from '@oncely/postgres';
import type { Pool } from 'pg';

/** A payments service whose charges and idempotency records commit in one transaction. */
export function createPayments(pool: Pool, schema = 'public') {
  const store = new PostgresStore({ pool, schema });
  const idempotency = createIdempotency({ store, lease: '30s' });
  const payments = `"${schema}".payments`;

  return {
    store,
    async migrate() {
      await store.migrate();
      await pool.query(`CREATE TABLE IF NOT EXISTS ${payments} (
        id bigserial PRIMARY KEY, account text NOT NULL, amount_cents int NOT NULL, fence bigint NOT NULL)`);
    },

    /** Charge once per idempotency key, however often the client retries. */
    charge(key: string, account: string, amountCents: number) {
      return runTransactional(
        idempotency,
        { key, request: { account, amountCents } },
        async (tx, { fence }) => {
          // Write through `tx`: this insert and the key's completion commit together.
          const { rows } = await tx.query<{ id: string }>(
            `INSERT INTO ${payments} (account, amount_cents, fence) VALUES ($1, $2, $3) RETURNING id`,
            [account, amountCents, fence],
          );
          return { paymentId: Number(rows[0]?.id), amountCents };
        },
      );
    },
  };
}
