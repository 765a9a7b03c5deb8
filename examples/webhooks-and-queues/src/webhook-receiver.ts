import type { Store } from '@oncely/core';
import { idempotency } from '@oncely/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { verifyWebhook } from './webhook-signature.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes as they arrived: what the signature is over. */
    rawBody?: Buffer;
  }
}

export interface PaymentEvent {
  id: string;
  type: string;
  data: { paymentId: string; amountCents: number };
}

/**
 * A webhook endpoint that handles each provider event once, however often it is delivered:
 * the signature is checked over the raw body first, then oncely keys the request by the
 * event's id (no Idempotency-Key header: providers do not send one).
 */
export async function createWebhookReceiver(options: {
  store: Store;
  secret: string;
  handle: (event: PaymentEvent) => Promise<void>;
}): Promise<FastifyInstance> {
  const app = Fastify();
  // Keep the bytes: a signature is over what was sent, not over re-serialized JSON.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch (error) {
      (error as { statusCode?: number }).statusCode = 400;
      done(error as Error, undefined);
    }
  });
  // Before oncely: an unsigned request must never claim an event id (it would 422 the real one).
  app.addHook('preValidation', async (request, reply) => {
    const signature = request.headers['stripe-signature'];
    if (!verifyWebhook(options.secret, request.rawBody, signature)) {
      return reply.code(400).send({ error: 'invalid signature' });
    }
  });
  await app.register(idempotency, {
    store: options.store,
    required: true, // an event without an id is refused (400), never handled without a key
    key: (request) => (request.body as Partial<PaymentEvent> | undefined)?.id,
    lease: '30s',
  });
  app.post('/webhooks/payments', async (request, reply) => {
    const event = request.body as PaymentEvent;
    await options.handle(event); // throws: 500, the key is released, the provider retries
    return reply.code(200).send({ received: event.id });
  });
  return app;
}
