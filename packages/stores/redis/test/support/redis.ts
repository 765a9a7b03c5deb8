import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_PORT = 6379;
export const REDIS_HOST = '127.0.0.1';

/** A client for the shared Redis at 6379 that fails instead of retrying forever. */
export function sharedClient(): Redis {
  return new Redis({ host: REDIS_HOST, port: REDIS_PORT, maxRetriesPerRequest: 1 });
}

/** Ping the shared Redis with a throwaway client that gives up quickly. */
export async function pingSharedRedis(): Promise<void> {
  const client = new Redis({
    host: REDIS_HOST,
    port: REDIS_PORT,
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/**
 * A prefix of our own on the shared Redis (other test runs use it at the same time), and the
 * way to remove only what we wrote.
 */
export function testPrefix(label: string): string {
  return `oncely-test:${label}:${randomUUID()}:`;
}

export async function removeKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
