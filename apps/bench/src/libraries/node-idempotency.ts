import { Idempotency } from '@node-idempotency/core';
import type { StorageAdapter } from '@node-idempotency/storage';
import { MemoryStorageAdapter } from '@node-idempotency/storage-adapter-memory';
import { RedisStorageAdapter } from '@node-idempotency/storage-adapter-redis';
import { createOrder, type OrderRequest } from './order.js';
import type { EngineSubject, StoreTarget } from './types.js';

export interface NodeIdempotencyInstance {
  idempotency: Idempotency;
  /** The memory adapter's own Map (it has no delete of its own); absent on Redis. */
  memoryEntries?: Map<string, unknown>;
  close(): Promise<void>;
}

/**
 * `new Idempotency(adapter, options)` as the core README shows; the Redis adapter makes its own
 * client from `createClient` options and is connected before use. `cacheKeyPrefix` keeps its
 * keys under this run's prefix.
 */
export async function nodeIdempotency(target: StoreTarget): Promise<NodeIdempotencyInstance> {
  let storage: StorageAdapter;
  let memoryEntries: Map<string, unknown> | undefined;
  let close = async () => {};
  if (target.kind === 'memory') {
    const memory = new MemoryStorageAdapter();
    // 1.0.2 keeps its records in a private `cache` Map and deletes one only when a read finds
    // it expired; the scale scenario removes records through it as that expiry would.
    memoryEntries = (memory as unknown as { cache: Map<string, unknown> }).cache;
    if (!(memoryEntries instanceof Map)) throw new Error('MemoryStorageAdapter has no cache Map');
    storage = memory;
  } else {
    const redis = new RedisStorageAdapter({ url: target.redisUrl });
    await redis.connect();
    storage = redis;
    close = () => redis.disconnect();
  }
  return {
    idempotency: new Idempotency(storage, { cacheKeyPrefix: target.prefix }),
    ...(memoryEntries ? { memoryEntries } : {}),
    close,
  };
}

/** The README's flow: `onRequest`, run the logic when it returns nothing, then `onResponse`. */
export async function nodeIdempotencyEngine(target: StoreTarget): Promise<EngineSubject> {
  const { idempotency, memoryEntries, close } = await nodeIdempotency(target);
  return {
    call: async (key: string, request: OrderRequest) => {
      const params = {
        method: 'POST',
        path: '/orders',
        headers: { 'idempotency-key': key },
        body: request as unknown as Record<string, unknown>,
      };
      const cached = await idempotency.onRequest(params);
      if (cached) return cached.body;
      const order = createOrder(request);
      await idempotency.onResponse(params, { body: order, additional: { statusCode: 201 } });
      return order;
    },
    ...(memoryEntries
      ? {
          // Its cache key, as `getIdempotencyCacheKey` builds it from the params above.
          forget: async (key: string) => {
            const name = `${target.prefix}:POST:/orders:${key}`;
            if (!memoryEntries.delete(name)) throw new Error(`node-idempotency holds no ${name}`);
          },
        }
      : {}),
    close,
  };
}
