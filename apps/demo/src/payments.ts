import {
  createIdempotency,
  OncelyError,
  parseKeyHeader,
  type RunContext,
  type Store,
} from '@oncely/core';
import type { ChargeRequest, ProviderCharge } from './provider.js';

/**
 * The payments API's own logic, the same whichever framework serves it (Fastify in api.ts,
 * Hono in api-hono.ts): each handler is `(input) => { status, body }`.
 */
export interface Answer {
  status: number;
  body: unknown;
}

interface Order {
  id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'paid';
  /** Ids of the provider events applied to this order. */
  appliedEvents: string[];
}

export interface ProviderEvent {
  id: string;
  type: 'payment.succeeded';
  data: { order: string; amount: number };
}

export interface Amount {
  amount: number;
  currency: string;
}

export function createPayments(store: Store, providerUrl: string) {
  const orders = new Map<string, Order>(); // the demo's stand-in for your database
  let orderCount = 0;
  // Webhooks: the provider's event id is the key. Duplicates that arrive while the first
  // delivery runs wait for its result, so every delivery gets 200 and the event applies once.
  const webhooks = createIdempotency({ store, ttl: '7d', lease: '30s', wait: '10s' });

  return {
    /** `POST /charges` under its key's attempt: the fence goes to the provider. */
    /** `keyHeader` is the Idempotency-Key header as sent: bare, or as an sf-string ("..."). */
    async charge(body: Amount, keyHeader: string, attempt: RunContext): Promise<Answer> {
      const reference = String(parseKeyHeader(keyHeader));
      const call: ChargeRequest = { ...body, reference, fence: attempt.fence };
      const answer = await fetch(`${providerUrl}/v1/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(call),
      }).catch(() => undefined);
      if (answer?.status === 201) {
        const { id, amount, currency, fence } = (await answer.json()) as ProviderCharge;
        return { status: 201, body: { id, amount, currency, fence } };
      }
      if (answer?.status === 409) {
        // A newer attempt for this key has charged (or will): this one was superseded.
        const detail = `the provider refused fence ${attempt.fence}: a newer attempt took over`;
        return { status: 409, body: { error: 'superseded', detail } };
      }
      // 5xx is released by the default policy, so the client's retry charges again.
      return { status: 502, body: { error: 'provider_unavailable' } };
    },

    createOrder(body: Amount): Answer {
      orderCount++;
      const id = `ord_${orderCount}_${Date.now().toString(36)}`;
      const order: Order = { id, ...body, status: 'pending', appliedEvents: [] };
      orders.set(order.id, order);
      return { status: 201, body: order };
    },

    getOrder(id: string): Answer {
      const order = orders.get(id);
      return order
        ? { status: 200, body: order }
        : { status: 404, body: { error: 'no_such_order' } };
    },

    async webhook(event: ProviderEvent): Promise<Answer> {
      try {
        const outcome = await webhooks.run(
          { key: event.id, scope: 'provider-webhooks', request: event },
          () => {
            const order = orders.get(event.data.order);
            if (!order) return { event: event.id, applied: false, reason: 'no_such_order' };
            order.status = 'paid';
            order.appliedEvents.push(event.id);
            return { event: event.id, applied: true };
          },
        );
        return {
          status: 200,
          body: { ...outcome.value, duplicate: outcome.status === 'replayed' },
        };
      } catch (error) {
        // 409 and 503 make the provider redeliver later; 422 is the same id with another body.
        if (error instanceof OncelyError) {
          return { status: error.status, body: { error: error.code, detail: error.message } };
        }
        throw error;
      }
    },
  };
}
