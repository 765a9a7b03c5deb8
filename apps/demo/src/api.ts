import {
  createIdempotency,
  type Duration,
  OncelyError,
  parseKeyHeader,
  type Store,
} from '@oncely/core';
import { idempotency, idempotencyAttempt } from '@oncely/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ChargeRequest, ProviderCharge } from './provider.js';

export interface ApiOptions {
  store: Store;
  /** Base URL of the payment provider the API charges through. */
  providerUrl: string;
  /**
   * How long a charge holds its key, without heartbeat: a charge still running after it
   * counts as crashed, and a retry takes over with a larger fence. Default `"2s"`.
   */
  chargeLease?: Duration;
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

const amountSchema = {
  type: 'object',
  required: ['amount', 'currency'],
  additionalProperties: false,
  properties: {
    amount: { type: 'integer', minimum: 1 },
    currency: { type: 'string', pattern: '^[a-z]{3}$' },
  },
} as const;

const eventSchema = {
  type: 'object',
  required: ['id', 'type', 'data'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 255 },
    type: { type: 'string', enum: ['payment.succeeded'] },
    data: {
      type: 'object',
      required: ['order', 'amount'],
      properties: { order: { type: 'string' }, amount: { type: 'integer' } },
    },
  },
} as const;

/**
 * The payments API: `POST /charges` and `POST /orders` take an `Idempotency-Key` from the
 * client (through `@oncely/fastify`); `POST /webhooks/provider` keys on the provider's event id
 * (through the engine's `run`), because a webhook sender does not send Idempotency-Key.
 */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const { store, providerUrl } = options;
  const orders = new Map<string, Order>(); // the demo's stand-in for your database
  const app = Fastify();

  // Charges: a short lease and no heartbeat. A charge call that outlives its lease is treated
  // as crashed; the fence it carries lets the provider refuse it if it wakes up late.
  await app.register(async (charges) => {
    await charges.register(idempotency, {
      store,
      required: true,
      lease: options.chargeLease ?? '2s',
      heartbeat: false,
    });
    charges.post<{ Body: { amount: number; currency: string } }>(
      '/charges',
      { schema: { body: amountSchema } },
      async (request, reply) => {
        const attempt = idempotencyAttempt(request);
        if (!attempt) throw new Error('unreachable: the plugin requires a key on this route');
        const call: ChargeRequest = {
          ...request.body,
          // The key itself, whether the client sent it bare or as an sf-string ("...").
          reference: String(parseKeyHeader(request.headers['idempotency-key'])),
          fence: attempt.fence,
        };
        const answer = await fetch(`${providerUrl}/v1/charges`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(call),
        }).catch(() => undefined);
        if (answer?.status === 201) {
          const charge = (await answer.json()) as ProviderCharge;
          const { id, amount, currency, fence } = charge;
          return reply.code(201).send({ id, amount, currency, fence });
        }
        if (answer?.status === 409) {
          // A newer attempt for this key has charged (or will): this one was superseded.
          return reply.code(409).send({
            error: 'superseded',
            detail: `the provider refused fence ${attempt.fence}: a newer attempt took over`,
          });
        }
        // 5xx is released by the default policy, so the client's retry charges again.
        return reply.code(502).send({ error: 'provider_unavailable' });
      },
    );
  });

  // Orders: the defaults (30 s lease renewed by heartbeat while the handler runs).
  let orderCount = 0;
  await app.register(async (scope) => {
    await scope.register(idempotency, { store, required: true });
    scope.post<{ Body: { amount: number; currency: string } }>(
      '/orders',
      { schema: { body: amountSchema } },
      async (request, reply) => {
        orderCount++;
        const order: Order = {
          id: `ord_${orderCount}_${Date.now().toString(36)}`,
          ...request.body,
          status: 'pending',
          appliedEvents: [],
        };
        orders.set(order.id, order);
        return reply.code(201).send(order);
      },
    );
  });

  app.get<{ Params: { id: string } }>('/orders/:id', async (request, reply) => {
    const order = orders.get(request.params.id);
    return order ? order : reply.code(404).send({ error: 'no_such_order' });
  });

  // Webhooks: the provider's event id is the key. Duplicates that arrive while the first
  // delivery runs wait for its result, so every delivery gets 200 and the event applies once.
  const webhooks = createIdempotency({ store, ttl: '7d', lease: '30s', wait: '10s' });
  app.post<{ Body: ProviderEvent }>(
    '/webhooks/provider',
    { schema: { body: eventSchema } },
    async (request, reply) => {
      const event = request.body;
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
        return reply.code(200).send({ ...outcome.value, duplicate: outcome.status === 'replayed' });
      } catch (error) {
        // 409 and 503 make the provider redeliver later; 422 is the same id with another body.
        if (error instanceof OncelyError) {
          return reply.code(error.status).send({ error: error.code, detail: error.message });
        }
        throw error;
      }
    },
  );

  return app;
}
