import { handleMessage, type Idempotency } from '@oncely/core';
import { runTransactional } from '@oncely/postgres';
import type { Channel, ConsumeMessage } from 'amqplib';
import { type ConsumerEvent, parseOrder, shipOrder } from './orders.js';

export interface RabbitConsumerOptions {
  /** The PostgreSQL schema of the shipments table. */
  schema: string;
  /** Sees each step; the crash test kills the process at some of them. */
  observe?: (event: ConsumerEvent) => void;
}

/**
 * Ship each order once, however often RabbitMQ delivers it. The key is the message's
 * `messageId`; the shipment row and the key's record commit in one transaction, and the
 * message is acked only after that commit. Returns the consumer tag.
 */
export async function consumeOrders(
  channel: Channel,
  queue: string,
  idempotency: Idempotency,
  { schema, observe = () => {} }: RabbitConsumerOptions,
): Promise<string> {
  await channel.prefetch(4);
  const settle = (settleIt: () => void) => {
    try {
      settleIt();
    } catch {
      // The channel is gone: the broker requeues every message it had not seen acked.
    }
  };

  async function onMessage(message: ConsumeMessage): Promise<void> {
    const key = message.properties.messageId as string | undefined;
    observe({ step: 'delivered', key, redelivered: message.fields.redelivered });
    const order = parseOrder(message.content);
    if (!order) return settle(() => channel.nack(message, false, false)); // to the dead letters
    const decision = await handleMessage(() =>
      runTransactional(idempotency, { key, request: order }, async (tx, { fence }) => {
        observe({ step: 'before-write', key });
        await shipOrder(tx, schema, order, fence);
        return { shipped: order.orderId };
      }),
    );
    observe({ step: 'decided', key, decision });
    if (decision.action === 'ack') {
      // Committed (or replayed): the row and the record are in. Only now is the ack sent.
      settle(() => channel.ack(message));
      observe({ step: 'acking', key });
    } else if (decision.action === 'retry') {
      // Hold it for the delay, then requeue: the redelivery replays, waits or runs again.
      setTimeout(() => settle(() => channel.nack(message, false, true)), decision.delayMs);
    } else {
      settle(() => channel.nack(message, false, false)); // the queue's dead-letter exchange
    }
  }

  const { consumerTag } = await channel.consume(queue, (message) => {
    if (message) void onMessage(message);
  });
  return consumerTag;
}
