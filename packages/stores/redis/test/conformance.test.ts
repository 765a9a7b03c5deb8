import { runStoreConformance } from '@oncely/conformance';
import { probeService } from '@oncely/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, test } from 'vitest';
import { RedisStore } from '../src/index.js';
import {
  pingSharedRedis,
  REDIS_HOST,
  REDIS_PORT,
  removeKeys,
  sharedClient,
  testPrefix,
} from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

describe.skipIf(!redis.available)('@oncely/redis on a standalone Redis', () => {
  const prefix = testPrefix('conformance');
  // Each instance gets its own connection, so the cross-instance race runs over several.
  const clients = new WeakMap<RedisStore, Redis>();

  afterAll(async () => {
    const cleaner = sharedClient();
    await removeKeys(cleaner, prefix);
    cleaner.disconnect();
  });

  runStoreConformance({
    test,
    describe,
    name: 'conformance',
    createStore: () => {
      const client = new Redis({ host: REDIS_HOST, port: REDIS_PORT });
      const store = new RedisStore({ client, prefix });
      clients.set(store, client);
      return store;
    },
    destroyStore: async (store) => {
      await store.close();
      clients.get(store as RedisStore)?.disconnect();
    },
    timing: { unitMs: 200 },
  });
});
