import { createIdempotency, handleMessage } from '@oncely/core';
import { openStore } from '../store.js';
import type { StoryResult } from '../stories.js';
import { type Delivery, openBroker, type QueueConsumer } from './broker.js';

interface OrderPlaced {
  orderId: string;
  amount: number;
}

/** Gives up on a broker that never delivers what it holds, instead of hanging the demo. */
const DELIVERY_BOUND_MS = 30_000;

/**
 * At-least-once delivery: a consumer ships an order (its effect and oncely's record are in)
 * and dies before its ack; the broker delivers that message again to the next consumer, and
 * the producer had published two orders twice. Every order must be shipped once.
 */
export async function queueConsumerCrash(options: {
  env: NodeJS.ProcessEnv;
  run: string;
}): Promise<StoryResult> {
  const opened = await openStore(options.env);
  const broker = await openBroker(options.env, options.run);
  const idempotency = createIdempotency({ store: opened.store, lease: '5s' });
  const shipments = new Map<string, number>(); // stands in for your shipments table
  const decisions: Record<string, number> = {};
  let deliveries = 0;
  let redeliveries = 0;
  let settled = 0;

  const orders = [1, 2, 3, 4].map((n) => ({
    orderId: `order-${options.run}-${n}`,
    amount: n * 100,
  }));
  const published = [...orders, orders[1], orders[2]] as OrderPlaced[]; // two sent twice
  let onAllSettled = () => {};
  const allSettled = new Promise<void>((resolve) => {
    onAllSettled = resolve;
  });
  let crashed: (consumer: QueueConsumer) => Promise<void> = async () => {};

  async function handle(delivery: Delivery, crashOnFirstRun: boolean): Promise<void> {
    deliveries++;
    if (delivery.redelivered) redeliveries++;
    const order = delivery.body as OrderPlaced;
    const decision = await handleMessage(() =>
      idempotency.run({ key: delivery.id, request: order }, () => {
        shipments.set(order.orderId, (shipments.get(order.orderId) ?? 0) + 1);
        return { shipped: order.orderId };
      }),
    );
    const label =
      decision.action === 'ack'
        ? `ack ${decision.outcome.status}`
        : `${decision.action} ${decision.reason}`;
    decisions[label] = (decisions[label] ?? 0) + 1;
    if (decision.action === 'ack') {
      if (crashOnFirstRun && decision.outcome.status === 'executed' && settled === 1) {
        // Shipped and recorded, not acked: the process dies here.
        return crashed(first);
      }
      await delivery.ack();
    } else if (decision.action === 'retry') {
      return delivery.retry(decision.delayMs);
    } else {
      delivery.deadLetter();
    }
    if (++settled === published.length) onAllSettled();
  }

  for (const order of published) await broker.publish(`msg-${order.orderId}`, order);
  const crashedOnce = new Promise<void>((resolve) => {
    crashed = async (consumer) => {
      await consumer.crash();
      resolve();
    };
  });
  const first = await broker.consume((delivery) => handle(delivery, true));
  let second: QueueConsumer | undefined;
  try {
    await bounded(crashedOnce, 'the first consumer never reached its crash');
    second = await broker.consume((delivery) => handle(delivery, false));
    await bounded(allSettled, 'the broker did not deliver every message again');
  } finally {
    await Promise.all([first.stop(), second?.stop()]);
    await broker.close();
    await opened.close();
  }

  const shipped = [...shipments.values()];
  const twice = shipped.filter((n) => n > 1).length;
  return {
    title: 'A queue consumer crashes before its ack',
    plays: `${published.length} messages on ${broker.label} (${orders.length} orders, 2 published twice); the first consumer dies after shipping its 2nd order, before the ack`,
    requests: deliveries,
    answers: decisions,
    charges: 0,
    shipments: { orders: shipments.size, shipments: shipped.reduce((a, b) => a + b, 0) },
    measured: `${deliveries} deliveries (${redeliveries} redelivered) → ${Object.entries(decisions)
      .map(([what, n]) => `${what} ${n}`)
      .join(
        ', ',
      )}; orders shipped ${shipments.size} of ${orders.length}, ${twice === 0 ? 'none twice' : `${twice} TWICE (wrong!)`}`,
    lines: [
      `consumer 1: shipped an order, then crashed before acking it (the broker still holds it)`,
      `consumer 2: got it again (redelivered): oncely replayed the stored result and it was acked`,
      `the duplicates the producer published were replayed too; store: ${opened.label}`,
    ],
  };
}

async function bounded(promise: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue story: ${what}`)), DELIVERY_BOUND_MS);
  });
  try {
    await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}
