import { randomUUID } from 'node:crypto';

/** What every benchmarked endpoint receives: a small order, like a payments API would. */
export interface OrderRequest {
  amount: number;
  currency: string;
  customer: string;
  items: { sku: string; quantity: number }[];
}

export interface Order extends OrderRequest {
  id: string;
  status: 'created';
}

export const SAMPLE_ORDER: OrderRequest = {
  amount: 4200,
  currency: 'EUR',
  customer: 'cus_8f14e45fceea167a',
  items: [
    { sku: 'sku_basic_plan', quantity: 1 },
    { sku: 'sku_seat', quantity: 3 },
  ],
};

export const SAMPLE_ORDER_JSON = JSON.stringify(SAMPLE_ORDER);

/** The "business logic" every library protects: the same for all, and cheap. */
export function createOrder(request: OrderRequest): Order {
  return { id: `ord_${randomUUID()}`, status: 'created', ...request };
}
