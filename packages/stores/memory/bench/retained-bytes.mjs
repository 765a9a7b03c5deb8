// Heap plus ArrayBuffer bytes the store keeps per completed record, after a full GC. The
// records are made as the Express binding makes them (namespaced key, SHA-256 fingerprint,
// crypto.randomUUID token, the HTTP layer's stored response), so the figure does not depend on
// the machine's load. Build first, then:
//   node --expose-gc bench/retained-bytes.mjs [records]
import { createHash, randomUUID } from 'node:crypto';
import { MemoryStore } from '../dist/index.js';

const records = Number(process.argv[2] ?? 50_000);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

// What the HTTP layer's codec writes for a 201 JSON answer from Express (stored-response.ts).
const HEAD =
  '[201,"x-powered-by","Express","content-type","application/json; charset=utf-8","etag","W/\\"d5-DvtpSKQWymsYb8eTwekzTGR4f+s\\""]';
function storedResponse() {
  const body = `{"id":"ord_${randomUUID()}","status":"created","amount":4200,"currency":"EUR","customer":"cus_8f14e45fceea167a","items":[{"sku":"sku_basic_plan","quantity":1},{"sku":"sku_seat","quantity":3}]}`;
  const headBytes = Buffer.byteLength(HEAD);
  const bytes = Buffer.allocUnsafe(7 + headBytes + Buffer.byteLength(body));
  bytes.write('oh\u0001', 0, 'latin1');
  bytes.writeUInt32BE(headBytes, 3);
  bytes.write(HEAD, 7);
  bytes.write(body, 7 + headBytes);
  return bytes;
}

function heldBytes() {
  globalThis.gc();
  globalThis.gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

// Bounds high enough that nothing is evicted while measuring.
const store = new MemoryStore({
  maxEntries: 2 * records,
  maxInProgress: 2 * records,
  maxBytes: 2 ** 40,
});
// The key header as the HTTP parser hands it over (one flat string), namespaced as the engine does.
const headerKey = (index) => Buffer.from(`order-${randomUUID()}-${index}`).toString('latin1');
const namespaced = (prefix, scope, key) => `${prefix}${scope.length}:${scope}:${key}`;
async function storeOne(index) {
  const key = namespaced('oncely:', '', headerKey(index));
  const fingerprint = createHash('sha256').update(`json\0{"order":${index}}`).digest('hex');
  const token = randomUUID();
  const won = await store.acquire({ key, fingerprint, token, leaseMs: 30_000, ttlMs: 86_400_000 });
  if (!won.acquired) throw new Error(`expected to win ${key}`);
  await store.complete({
    key,
    token,
    fence: won.fence,
    result: storedResponse(),
    ttlMs: 86_400_000,
  });
}

// A few records first, so that what is made once (compiled code, the maps' first tables) is there.
for (let i = 0; i < 200; i++) await storeOne(-1 - i);
const before = heldBytes();
for (let i = 0; i < records; i++) await storeOne(i);
const perRecord = (heldBytes() - before) / records;
console.log(
  `${records} records: ${Math.round(perRecord)} bytes each (heap + ArrayBuffers, after a full GC)`,
);
