import { createIdempotency, handleMessage } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';

const idempotency = createIdempotency({
  store: new MemoryStore(),
  ttl: '7d', // how long a result is replayed: longer than your broker redelivers a message
  lease: '30s', // how long an attempt holds the key; a heartbeat renews it while it runs
  wait: '10s', // a duplicate that arrives mid-run waits for the result instead of failing
});

const applied: string[] = [];

interface OrderPaid {
  messageId: string;
  orderId: string;
  amount: number;
}

async function onMessage(message: OrderPaid): Promise<string> {
  // `handleMessage` turns the outcome into what to tell the broker: `ack` once the result is
  // stored, `retry` (with a delay) for a run in progress, a store outage or a handler error,
  // `dead-letter` for what no redelivery can fix (the same id with other content, no id).
  const decision = await handleMessage(() =>
    idempotency.run(
      { key: message.messageId, request: { orderId: message.orderId, amount: message.amount } },
      async ({ fence, signal }) => {
        signal.throwIfAborted(); // ownership lost: stop before writing anything else
        applied.push(`${message.orderId}@${fence}`);
        return { shipped: message.orderId };
      },
    ),
  );
  if (decision.action === 'ack') console.log(decision.outcome.status, decision.outcome.value);
  return decision.action; // ack it, requeue it after decision.delayMs, or dead-letter it
}

const message = { messageId: 'msg-1', orderId: 'order-9', amount: 1200 };
const results = await Promise.all([onMessage(message), onMessage(message), onMessage(message)]);
console.log(results, applied);
// -> executed { shipped: 'order-9' }, then replayed twice; [ 'ack', 'ack', 'ack' ] [ 'order-9@1' ]
