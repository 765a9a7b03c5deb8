import type { Duration, Store } from '@oncely/core';
import { idempotency, idempotencyAttempt } from '@oncely/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Amount, createPayments, type ProviderEvent } from './payments.js';

export type { ProviderEvent } from './payments.js';

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
  const payments = createPayments(options.store, options.providerUrl);
  const app = Fastify();

  // Charges: a short lease and no heartbeat. A charge call that outlives its lease is treated
  // as crashed; the fence it carries lets the provider refuse it if it wakes up late.
  await app.register(async (charges) => {
    await charges.register(idempotency, {
      store: options.store,
      required: true,
      lease: options.chargeLease ?? '2s',
      heartbeat: false,
    });
    charges.post<{ Body: Amount }>(
      '/charges',
      { schema: { body: amountSchema } },
      async (request, reply) => {
        const attempt = idempotencyAttempt(request);
        if (!attempt) throw new Error('unreachable: the plugin requires a key on this route');
        const key = String(request.headers['idempotency-key']);
        const answer = await payments.charge(request.body, key, attempt);
        return reply.code(answer.status).send(answer.body);
      },
    );
  });

  // Orders: the defaults (30 s lease renewed by heartbeat while the handler runs).
  await app.register(async (scope) => {
    await scope.register(idempotency, { store: options.store, required: true });
    scope.post<{ Body: Amount }>(
      '/orders',
      { schema: { body: amountSchema } },
      (request, reply) => {
        const answer = payments.createOrder(request.body);
        return reply.code(answer.status).send(answer.body);
      },
    );
  });

  app.get<{ Params: { id: string } }>('/orders/:id', (request, reply) => {
    const answer = payments.getOrder(request.params.id);
    return reply.code(answer.status).send(answer.body);
  });

  app.post<{ Body: ProviderEvent }>(
    '/webhooks/provider',
    { schema: { body: eventSchema } },
    async (request, reply) => {
      const answer = await payments.webhook(request.body);
      return reply.code(answer.status).send(answer.body);
    },
  );

  return app;
}
