import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '@oncely/core';
import { probeService } from '@oncely/testing';
import type { Redis } from 'ioredis';
import { Redis as RedisClient } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe.skipIf(!redis.available)('commands sent in one turn of the event loop', () => {
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

  it('once answered, the next ones leave in a write of their own, without waiting for other traffic', async () => {
    const writes = countWrites(client.stream as unknown as SocketWrites);
    await acquire(`one-${randomUUID()}`);
    await acquire(`two-${randomUUID()}`);
    expect(writes).toEqual([1, 1]);
  });

  it('leave in one write when they come from separate callbacks of one loop phase', async () => {
    // Like an HTTP server, where each request is parsed in an I/O callback of its own: two
    // immediates queued together run in one check phase, with process.nextTick's queue run
    // between them. (Not two timers: on a busy machine two setTimeout(0) can fall into
    // different milliseconds, and so into different loop turns.)
    const writes = countWrites(client.stream as unknown as SocketWrites);
    const calls: Promise<unknown>[] = [];
    await new Promise<void>((resolve) => {
      setImmediate(() => calls.push(acquire(`a-${randomUUID()}`)));
      setImmediate(() => {
        calls.push(acquire(`b-${randomUUID()}`));
        resolve();
      });
    });
    const results = await Promise.all(calls);
    expect(results).toEqual([
      { acquired: true, fence: 1 },
      { acquired: true, fence: 1 },
    ]);
    expect(writes).toEqual([2]);
  });

  it('keep the order they were sent in', async () => {
    const key = `order-${randomUUID()}`;
    const token = randomUUID();
    const lease = { fingerprint: 'fp', leaseMs: 10_000, ttlMs: 60_000 };
    // Sent in one turn: the complete must reach Redis after the acquire that created the record.
    const acquired = store.acquire({ key, token, ...lease });
    const completed = store.complete({
      key,
      token,
      fence: 1,
      result: Buffer.from('r'),
      ttlMs: 60_000,
    });
    expect(await acquired).toEqual({ acquired: true, fence: 1 });
    expect(await completed).toBe(true);
  });
});

describe.skipIf(!redis.available)('a connection that closes while its writes are held', () => {
  it('fails the held calls, and the reconnected socket is not held', async () => {
    const prefix = testPrefix('tick-writes-close');
    const own = new RedisClient({ host: REDIS_HOST, port: REDIS_PORT, maxRetriesPerRequest: 1 });
    own.on('error', () => undefined);
    const store = new RedisStore({ client: own, prefix, checkEvictionPolicy: false });
    await own.ping();
    const acquire = (key: string) =>
      store.acquire({
        key,
        fingerprint: 'fp',
        token: randomUUID(),
        leaseMs: 10_000,
        ttlMs: 60_000,
      });
    const held = acquire(`held-${randomUUID()}`);
    // Still corked (the flush waits for setImmediate): the socket goes away with the write in it.
    own.stream.destroy();
    await expect(held).rejects.toBeInstanceOf(StoreUnavailableError);
    await new Promise((resolve) => own.once('ready', resolve));
    const writes = countWrites(own.stream as unknown as SocketWrites);
    expect(await acquire(`after-${randomUUID()}`)).toEqual({ acquired: true, fence: 1 });
    expect(writes).toEqual([1]);
    await store.close();
    await removeKeys(own, prefix);
    own.disconnect();
  });
});
