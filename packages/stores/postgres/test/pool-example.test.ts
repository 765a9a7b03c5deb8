import { describe, expect, it } from 'vitest';
import { createPool } from '../examples/pool.js';
import { newPool, PG_URL, postgres } from './helpers.js';

describe.skipIf(!postgres.available)('the README pool (examples/pool.ts)', () => {
  it('hears the server ending an idle connection, and the next query opens a new one', async () => {
    const logged: string[] = [];
    let heard: () => void = () => {};
    const hearing = new Promise<void>((resolve) => {
      heard = resolve;
    });
    const pool = createPool(PG_URL, (message) => {
      logged.push(message);
      heard();
    });
    const admin = newPool({ max: 1 });
    try {
      const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      await hearing;
      expect(logged).toEqual([expect.stringMatching(/^idle PostgreSQL connection failed: /)]);
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
