import type { Framework, LibraryId, StoreKind } from './types.js';

/** What the results say about each library: its package, version and how it was set up. */
export interface LibraryInfo {
  id: LibraryId;
  label: string;
  packages: string[];
  engineStores: StoreKind[];
  http: Partial<Record<Framework, StoreKind[]>>;
  configured: string;
}

export const LIBRARIES: LibraryInfo[] = [
  {
    id: 'baseline',
    label: 'bare handler',
    packages: [],
    engineStores: ['memory'],
    http: { express: ['memory'], fastify: ['memory'] },
    configured:
      'No idempotency: parse the JSON order, create it, answer 201. Every ratio is taken against it (or against oncely).',
  },
  {
    id: 'oncely',
    label: 'oncely',
    packages: [
      '@oncely/core',
      '@oncely/memory',
      '@oncely/redis',
      '@oncely/express',
      '@oncely/fastify',
      'ioredis',
    ],
    engineStores: ['memory', 'redis'],
    http: { express: ['memory', 'redis'], fastify: ['memory', 'redis'] },
    configured:
      '`createIdempotency({ store })` with defaults (24h TTL, 30s lease, heartbeat on, request fingerprint). Memory: `new MemoryStore({ maxEntries: 2e6, maxInProgress: 2e6, maxBytes: 2 ** 33 })` (raised from the 10 000-record and 64 MiB defaults so nothing is evicted during a measurement). Redis: `new RedisStore({ client: new Redis(url), prefix })` on ioredis, as the @oncely/redis README shows. HTTP: `app.post(route, idempotency({ store }), handler)` after `express.json()`; Fastify `app.register(idempotency, { store })`; default options.',
  },
  {
    id: 'node-idempotency',
    label: '@node-idempotency/core',
    packages: [
      '@node-idempotency/core',
      '@node-idempotency/storage-adapter-memory',
      '@node-idempotency/storage-adapter-redis',
    ],
    engineStores: ['memory', 'redis'],
    http: { express: ['memory', 'redis'], fastify: ['memory', 'redis'] },
    configured:
      '`new Idempotency(adapter, { cacheKeyPrefix })` with defaults, `onRequest` before the handler and `onResponse` after, as the core README shows. Adapters: `MemoryStorageAdapter`, `RedisStorageAdapter({ url })` + `connect()`. Its Express/Fastify packages are not on the registry reachable here, so the same flow is written in src/http/node-idempotency.ts (Express stores after send without waiting, Fastify stores in onSend, like theirs; replays are not stored again, unlike their Fastify plugin).',
  },
  {
    id: 'express-idempotency',
    label: 'express-idempotency',
    packages: ['express-idempotency', 'express-idempotency-redis-adapter'],
    engineStores: [],
    http: { express: ['memory', 'redis'] },
    configured:
      '`app.post(route, idempotency(options), handler)` with `isHit(req)` checked first in the handler, as its README shows. Memory: its default in-memory adapter (an array it scans). Redis: express-idempotency-redis-adapter `new RedisAdapter({ connectionConfig: { url } })` + `connect()`. Express only; no engine API. It uses the raw key as the Redis key, so the benchmark sends prefixed keys.',
  },
  {
    id: 'powertools',
    label: 'Powertools idempotency',
    packages: ['@aws-lambda-powertools/idempotency', '@redis/client'],
    engineStores: ['redis'],
    http: { express: ['redis'], fastify: ['redis'] },
    configured:
      '`makeIdempotent(fn, { persistenceStore: new CachePersistenceLayer({ client }), keyPrefix, config: new IdempotencyConfig({ eventKeyJmesPath: "idempotencyKey" }) })` on a connected `@redis/client`, local cache off (default). Outside Lambda it gets `registerLambdaContext({ getRemainingTimeInMillis: () => 30000 })` (else it warns on every call and sets no in-progress expiry). No `payloadValidationJmesPath`: in 2.35.0 the cache layer drops the payload hash on completion, so every replay fails validation. No in-memory layer; Redis only.',
  },
];

export function library(id: LibraryId): LibraryInfo {
  const found = LIBRARIES.find((entry) => entry.id === id);
  if (!found) throw new Error(`unknown library ${id}`);
  return found;
}
