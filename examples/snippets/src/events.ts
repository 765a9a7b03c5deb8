import { createIdempotency } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';

const outcomes: string[] = [];

const idempotency = createIdempotency({
  store: new MemoryStore(),
  // Keys are hashed in every event (keyHash); raw keys, scopes and fingerprints never appear.
  onEvent: (event) => {
    if (event.type === 'settled') {
      outcomes.push(`${event.outcome} fence=${event.fence} job=${event.context?.job}`);
    }
  },
});

// `context` is yours: it is attached to every event and log line of the operation.
const context = { job: 'invoice-run' };
await idempotency.run({ key: 'k-1', request: { a: 1 }, context }, () => 'done');
await idempotency.run({ key: 'k-1', request: { a: 1 }, context }, () => 'done');
await idempotency.run({ key: 'k-1', request: { a: 2 }, context }, () => 'done').catch(() => {});

console.log(outcomes);
// -> [ 'executed fence=1 job=invoice-run', 'replayed fence=1 job=invoice-run', 'mismatch fence=1 job=invoice-run' ]
