import { createIdempotency, type OncelyEvent } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';

const counts = new Map<OncelyEvent['type'], number>();

const idempotency = createIdempotency({
  store: new MemoryStore(),
  // Keys are hashed in every event (keyHash); raw keys and fingerprints never appear.
  onEvent: (event) => counts.set(event.type, (counts.get(event.type) ?? 0) + 1),
});

await idempotency.run({ key: 'k-1', request: { a: 1 } }, () => 'done');
await idempotency.run({ key: 'k-1', request: { a: 1 } }, () => 'done');
await idempotency.run({ key: 'k-1', request: { a: 2 } }, () => 'done').catch(() => {});

console.log(Object.fromEntries(counts));
// -> { acquired: 1, completed: 1, replayed: 1, mismatch: 1 }
