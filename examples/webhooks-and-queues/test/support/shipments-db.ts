import { randomUUID } from 'node:crypto';
import { PostgresStore } from '@oncely/postgres';
import pg from 'pg';
import { migrateShipments } from '../../src/orders.js';
import { DATABASE_URL } from './consumer-config.js';

/** A schema of its own for one test run: the oncely table and the shipments table. */
export class ShipmentsDb {
  readonly schema = `oncely_queues_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  readonly pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });

  constructor() {
    this.pool.on('error', () => {});
  }

  async create(): Promise<void> {
    await this.pool.query(`CREATE SCHEMA "${this.schema}"`);
    await new PostgresStore({ pool: this.pool, schema: this.schema }).migrate();
    await migrateShipments(this.pool, this.schema);
  }

  /** Rows (effects applied) and distinct orders among them. */
  async counts(): Promise<{ rows: number; orders: number }> {
    const { rows } = await this.pool.query<{ rows: string; orders: string }>(
      `SELECT count(*) AS rows, count(DISTINCT order_id) AS orders FROM "${this.schema}".shipments`,
    );
    return { rows: Number(rows[0]?.rows), orders: Number(rows[0]?.orders) };
  }

  /** Orders shipped more than once, with how often. */
  async repeated(): Promise<{ order_id: string; n: string }[]> {
    const { rows } = await this.pool.query<{ order_id: string; n: string }>(
      `SELECT order_id, count(*) AS n FROM "${this.schema}".shipments GROUP BY order_id HAVING count(*) > 1`,
    );
    return rows;
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await this.pool.end();
  }
}
