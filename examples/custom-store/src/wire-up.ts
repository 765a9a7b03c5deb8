import { createIdempotency, type Idempotency } from '@oncely/core';
import type { Pool } from 'mysql2/promise';
import { createRecordsTable, MariaDbStore } from './index.js';

/**
 * How an application uses the store: make the table (or put createTableSql in your
 * migrations), then hand the store to the engine. The pool stays yours: end it on shutdown.
 */
export async function createIdempotencyOnMariaDb(
  pool: Pool,
  table = 'oncely_records',
): Promise<Idempotency> {
  await createRecordsTable(pool, table);
  return createIdempotency({ store: new MariaDbStore({ pool, table }), ttl: '24h', lease: '30s' });
}
