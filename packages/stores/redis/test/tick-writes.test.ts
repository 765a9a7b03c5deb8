import { randomUUID } from 'node:crypto';
import { probeService } from '@oncely/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { pingSharedRedis, removeKeys, sharedClient, testPrefix } from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

interface SocketWrites {
  _write: (...args: unknown[]) => void;
  _writev: (...args: unknown[]) => void;
}

/** How many times the socket hands data to the kernel, and in how many chunks each time. */
function countWrites(socket: SocketWrites): number[] {
  const writes: number[] = [];
  const write = socket._write;
  const writev = socket._writev;
  socket._write = function (this: unknown, ...args: unknown[]) {
    writes.push(1);
    return write.apply(this, args);
  };
  socket._writev = function (this: unknown, ...args: unknown[]) {
    writes.push((args[0] as unknown[]).length);
    return writev.apply(this, args);
  };
  return writes;
}

describe.skipIf(!redis.available)('commands sent in one tick', () => {
  const prefix = testPrefix('tick-writes');
  let client: Redis;
  let store: RedisStore;

  beforeAll(async () => {
    client = sharedClient();
    store = new RedisStore({ client, prefix, checkEvictionPolicy: false });
    await client.ping();
  });

  afterAll(async () => {
    await store.close();
    await removeKeys(client, prefix);
    client.disconnect();
  });

  const acquire = (key: string) =>
    store.acquire({ key, fingerprint: 'fp', token: randomUUID(), leaseMs: 10_000, ttlMs: 60_000 });

  it('leave in one socket write, and every one of them is answered', async () => {
    const writes = countWrites(client.stream as unknown as SocketWrites);
    const keys = Array.from({ length: 16 }, () => `k-${randomUUID()}`);
    const results = await Promise.all(keys.map(acquire));
    expect(results).toEqual(keys.map(() => ({ acquired: true, fence: 1 })));
    expect(writes).toEqual([16]);
  });

  it('in the next tick leave in a write of their own, without waiting for other traffic', async () => {
    const writes = countWrites(client.stream as unknown as SocketWrites);
    await acquire(`one-${randomUUID()}`);
    await acquire(`two-${randomUUID()}`);
    expect(writes).toEqual([1, 1]);
  });
});
