import type { MessageDecision } from '@oncely/core';
import type { PgPoolClient } from '@oncely/postgres';
import type { Pool } from 'pg';

/** The message both consumers handle: ship an order. */
export interface OrderPlaced {
  orderId: string;
  amountCents: number;
}

/** What a consumer reports as it goes; the crash tests kill it at these points. */
export type ConsumerEvent =
  | { step: 'delivered'; key: string | undefined; redelivered: boolean }
  | { step: 'before-write'; key: string | undefined }
  | { step: 'decided'; key: string | undefined; decision: MessageDecision<unknown> }
  | { step: 'acking'; key: string | undefined };

/**
 * The business table. No unique constraint on `order_id`, on purpose: a second shipment of an
 * order would be a second row, so the crash tests can see one if oncely ever let it through.
 */
export async function migrateShipments(pool: Pool, schema: string): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS "${schema}".shipments (
    id bigserial PRIMARY KEY, order_id text NOT NULL, amount_cents int NOT NULL,
    fence bigint NOT NULL, shipped_by int NOT NULL)`);
}

/** The effect: one row per shipment, written through the transaction oncely completes in. */
export async function shipOrder(
  tx: PgPoolClient,
  schema: string,
  order: OrderPlaced,
  fence: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO "${schema}".shipments (order_id, amount_cents, fence, shipped_by) VALUES ($1, $2, $3, $4)`,
    [order.orderId, order.amountCents, fence, process.pid],
  );
}

/** The message body, or `undefined` when it is not an order (such a message is dead-lettered). */
export function parseOrder(bytes: Uint8Array): OrderPlaced | undefined {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<OrderPlaced>;
    if (typeof value.orderId !== 'string' || !Number.isInteger(value.amountCents)) return undefined;
    return { orderId: value.orderId, amountCents: value.amountCents as number };
  } catch {
    return undefined;
  }
}
