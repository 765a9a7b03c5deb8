import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { handleMessage, type Idempotency } from '@oncely/core';
import { runTransactional } from '@oncely/postgres';
import { type ConsumerEvent, parseOrder, shipOrder } from './orders.js';

export interface NatsConsumerOptions {
  /** The PostgreSQL schema of the shipments table. */
  schema: string;
  /** Sees each step; the crash test kills the process at some of them. */
  observe?: (event: ConsumerEvent) => void;
}

/**
 * Ship each order once, however often JetStream delivers it. The key is the `Message-Id`
 * header (JetStream's own `Nats-Msg-Id` drops repeated publishes within its window, not
 * redeliveries); the shipment row and the key's record commit in one transaction, and the
 * message is acked only after that commit. Resolves when the consumer is stopped.
 */
export async function consumeOrders(
  consumer: Consumer,
  idempotency: Idempotency,
  { schema, observe = () => {} }: NatsConsumerOptions,
): Promise<{ stop(): Promise<void> }> {
  const messages = await consumer.consume({ max_messages: 4 });

  async function onMessage(message: JsMsg): Promise<void> {
    const key = message.headers?.get('Message-Id') || undefined;
    observe({ step: 'delivered', key, redelivered: message.redelivered });
    const order = parseOrder(message.data);
    if (!order) return message.term('not an order');
    const decision = await handleMessage(() =>
      runTransactional(idempotency, { key, request: order }, async (tx, { fence }) => {
        observe({ step: 'before-write', key });
        await shipOrder(tx, schema, order, fence);
        return { shipped: order.orderId };
      }),
    );
    observe({ step: 'decided', key, decision });
    if (decision.action === 'ack') {
      // Committed (or replayed): the row and the record are in. Only now is the ack sent,
      // and the server confirms it (a lost ack means a redelivery, which replays).
      const acked = message.ackAck().catch(() => false);
      observe({ step: 'acking', key });
      await acked;
    } else if (decision.action === 'retry') {
      message.nak(decision.delayMs); // JetStream redelivers it after the delay
    } else {
      message.term(decision.reason); // never redelivered; the server emits an advisory
    }
  }

  const done = (async () => {
    for await (const message of messages) await onMessage(message);
  })();
  return {
    async stop() {
      await messages.close();
      await done;
    },
  };
}
