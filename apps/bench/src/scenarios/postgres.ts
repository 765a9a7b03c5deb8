import { createIdempotency } from '@oncely/core';
import { PostgresStore } from '@oncely/postgres';
import pg from 'pg';
import type { BenchContext } from '../context.js';
import { createOrder, SAMPLE_ORDER } from '../libraries/order.js';

export interface PostgresRow {
  library: 'oncely';
  store: 'postgres';
  records: number;
  /** Growth of pg_total_relation_size (table, TOAST, indexes) per record. */
  bytesPerRecord: number;
  /** Average pg_column_size of a whole row. */
  averageRowBytes: number;
}

export const POSTGRES_URL = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Scenario 4, Postgres: oncely's records in a schema made for this run (dropped at the end),
 * sized with pg_total_relation_size deltas and pg_column_size. Only oncely has a Postgres
 * store among the libraries measured here. Skipped, with a note, when Postgres is unreachable.
 */
export async function postgresScenario(
  context: BenchContext,
): Promise<{ rows: PostgresRow[]; note?: string }> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 8 });
  const schema = `oncely_bench_${context.prefix.split(':').pop()}`;
  const records = context.options.quick ? 500 : 5000;
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end();
    return { rows: [], note: `Postgres not measured: ${(error as Error).message}` };
  }
  try {
    const store = new PostgresStore({ pool, schema });
    await store.migrate();
    const idempotency = createIdempotency({ store });
    const table = `"${schema}"."oncely_records"`;
    const size = async () =>
      Number((await pool.query(`select pg_total_relation_size('${table}') as n`)).rows[0].n);
    const warm = async (i: number) =>
      idempotency.run({ key: `warm-${i}`, request: SAMPLE_ORDER }, () => createOrder(SAMPLE_ORDER));
    for (let i = 0; i < 50; i++) await warm(i);
    const before = await size();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < records) {
          const i = next++;
          await idempotency.run({ key: `k-${i}`, request: SAMPLE_ORDER }, () =>
            createOrder(SAMPLE_ORDER),
          );
        }
      }),
    );
    const after = await size();
    const average = Number(
      (await pool.query(`select avg(pg_column_size(t.*)) as n from ${table} t`)).rows[0].n,
    );
    const row: PostgresRow = {
      library: 'oncely',
      store: 'postgres',
      records,
      bytesPerRecord: (after - before) / records,
      averageRowBytes: average,
    };
    context.log(
      `postgres oncely: ${Math.round(row.bytesPerRecord)} bytes per record (relation growth), rows ${Math.round(average)} bytes`,
    );
    return { rows: [row] };
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
}
