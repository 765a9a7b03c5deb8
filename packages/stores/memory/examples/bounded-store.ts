import { createIdempotency } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';

// Keep at most 50 000 completed results and 64 MiB of them; at most 1 000 running at once.
const store = new MemoryStore({
  maxEntries: 50_000,
  maxBytes: 64 * 1024 * 1024,
  maxInProgress: 1_000,
});
const idempotency = createIdempotency({ store, ttl: '1h' });

const outcome = await idempotency.run({ key: 'job-7', request: { job: 7 } }, () => ({
  processed: 7,
}));
const again = await idempotency.run({ key: 'job-7', request: { job: 7 } }, () => ({
  processed: -1,
}));

console.log(outcome.status, again.status, again.value, store.stats());
// -> executed replayed { processed: 7 } { inProgress: 0, settled: 1, settledBytes: ..., evictions: 0 }
