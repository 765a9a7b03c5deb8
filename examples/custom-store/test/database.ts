import { randomBytes } from 'node:crypto';
import { probeService } from '@oncely/testing';
import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import { createRecordsTable } from '../src/index.js';

/** MariaDB (or MySQL) on this machine; override with ONCELY_MARIADB_URL. */
export const MARIADB_URL = process.env.ONCELY_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';

export function openPool(options: Omit<PoolOptions, 'uri'> = {}): Pool {
  return createPool({ uri: MARIADB_URL, connectionLimit: 4, ...options });
}

export const mariadb = await probeService(`MariaDB at ${MARIADB_URL}`, async () => {
  const pool = openPool({ connectionLimit: 1, connectTimeout: 2_000 });
  try {
    await pool.query('SELECT 1');
  } finally {
    await pool.end();
  }
});

/** A table of this test run's own (random suffix), created now; drop it with dropTable. */
export async function createTestTable(pool: Pool): Promise<string> {
  const table = `oncely_example_${randomBytes(6).toString('hex')}`;
  await createRecordsTable(pool, table);
  return table;
}

/** Drops only the table this run created. */
export async function dropTable(pool: Pool, table: string): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
}
