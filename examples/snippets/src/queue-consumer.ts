import {
  ConflictError,
  createIdempotency,
  FingerprintMismatchError,
  StoreUnavailableError,
} from '@oncely/core';
import { MemoryStore } from '@oncely/memory';

const idempotency = createIdempotency({
  store: new MemoryStore(),
  ttl: '7d', // how long a result is replayed
  lease: '30s', // how long an attempt holds the key; a heartbeat renews it while it runs
  wait: '10s', // a duplicate that arrives mid-run waits for the result instead of failing
});

const applied: string[] = [];

interface OrderPaid {
  messageId: string;
  orderId: string;
  amount: number;
}

async function onMessage(message: OrderPaid): Promise<'ack' | 'retry-later' | 'dead-letter'> {
  try {
    const outcome = await idempotency.run(
      { key: message.messageId, request: { orderId: message.orderId, amount: message.amount } },
      async ({ fence, signal }) => {
        signal.throwIfAborted(); // ownership lost: stop before writing anything else
        applied.push(`${message.orderId}@${fence}`);
        return { shipped: message.orderId };
      },
    );
    console.log(outcome.status, outcome.value);
    return 'ack';
  } catch (error) {
    if (error instanceof ConflictError || error instanceof StoreUnavailableError)
      return 'retry-later';
    if (error instanceof FingerprintMismatchError) return 'dead-letter';
    throw error;
  }
}

const message = { messageId: 'msg-1', orderId: 'order-9', amount: 1200 };
const results = await Promise.all([onMessage(message), onMessage(message), onMessage(message)]);
console.log(results, applied);
// -> executed { shipped: 'order-9' }, then replayed twice; [ 'ack', 'ack', 'ack' ] [ 'order-9@1' ]
