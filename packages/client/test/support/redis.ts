import { randomBytes } from 'node:crypto';
import { RedisStore } from '@oncely/redis';
import { probeService } from '@oncely/testing';
import { Redis } from 'ioredis';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const redisProbe = await probeService(`Redis at ${redisUrl}`, async () => {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
});

/** Stores on the shared Redis under a prefix of their own, removed by `cleanup`. */
export function redisStores() {
  const clients: Redis[] = [];
  const prefix = `oncely-client-${randomBytes(4).toString('hex')}:`;
  return {
    store(url = redisUrl): RedisStore {
      const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
      client.on('error', () => undefined); // outages are part of some tests
      clients.push(client);
      return new RedisStore({ client, prefix, checkEvictionPolicy: false });
    },
    async cleanup(): Promise<void> {
      const client = clients[0];
      if (client?.status === 'ready') {
        for (const key of await client.keys(`${prefix}*`)) await client.unlink(key);
      }
      for (const c of clients.splice(0)) c.disconnect();
    },
  };
}
