import { Idempotency } from '@node-idempotency/core';
import type { StorageAdapter } from '@node-idempotency/storage';
import { MemoryStorageAdapter } from '@node-idempotency/storage-adapter-memory';
import { RedisStorageAdapter } from '@node-idempotency/storage-adapter-redis';
import { createOrder, type OrderRequest } from './order.js';
import type { EngineSubject, StoreTarget } from './types.js';

export interface NodeIdempotencyInstance {
  idempotency: Idempotency;
  close(): Promise<void>;
}

/**
 * `new Idempotency(adapter, options)` as the core README shows; the Redis adapter makes its own
 * client from `createClient` options and is connected before use. `cacheKeyPrefix` keeps its
 * keys under this run's prefix.
 */
export async function nodeIdempotency(target: StoreTarget): Promise<NodeIdempotencyInstance> {
  let storage: StorageAdapter;
  let close = async () => {};
  if (target.kind === 'memory') {
    storage = new MemoryStorageAdapter();
  } else {
    const redis = new RedisStorageAdapter({ url: target.redisUrl });
    await redis.connect();
    storage = redis;
    close = () => redis.disconnect();
  }
  return { idempotency: new Idempotency(storage, { cacheKeyPrefix: target.prefix }), close };
}

/** The README's flow: `onRequest`, run the logic when it returns nothing, then `onResponse`. */
export async function nodeIdempotencyEngine(target: StoreTarget): Promise<EngineSubject> {
  const { idempotency, close } = await nodeIdempotency(target);
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
    close,
  };
}
