import { randomUUID } from 'node:crypto';
import { ResultTooLargeError, StoreUnavailableError } from '@oncely/core';
import { probeService, until } from '@oncely/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisStore } from '../src/index.js';
import { pingSharedRedis, removeKeys, sharedClient, sleep, testPrefix } from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

describe.skipIf(!redis.available)('RedisStore on a standalone Redis', () => {
  const prefix = testPrefix('store');
  let client: Redis;
  let store: RedisStore;
  const warnings: string[] = [];

  beforeAll(() => {
    client = sharedClient();
    store = new RedisStore({ client, prefix, onWarning: (message) => warnings.push(message) });
  });

  afterAll(async () => {
    await store.close();
    await removeKeys(client, prefix);
    client.disconnect();
  });

  const acquire = (key: string, fingerprint = 'fp', leaseMs = 10_000, ttlMs = 60_000) => {
    const token = randomUUID();
    return store
      .acquire({ key, fingerprint, token, leaseMs, ttlMs })
      .then((result) => ({ token, result }));
  };

  it('declares its capabilities: server clock, shared records, 8 MiB results by default', () => {
    expect(store.capabilities).toEqual({
      maxResultBytes: 8 * 1024 * 1024,
      clock: 'server',
      sharedAcrossInstances: true,
    });
  });

  it('walks a key through acquire, conflict, mismatch, complete and replay', async () => {
    const key = `walk-${randomUUID()}`;
    const first = await acquire(key, 'fp-a');
    expect(first.result).toEqual({ acquired: true, fence: 1 });

    const conflict = await acquire(key, 'fp-a');
    expect(conflict.result).toMatchObject({
      acquired: false,
      record: { state: 'in_progress', fingerprint: 'fp-a', fence: 1 },
    });
    if (conflict.result.acquired || conflict.result.record.state !== 'in_progress')
      throw new Error('unreachable');
    expect(conflict.result.record.leaseRemainingMs).toBeGreaterThan(9_000);
    expect(conflict.result.record.leaseRemainingMs).toBeLessThanOrEqual(10_000);

    // The loser learns the other fingerprint in the same reply: that is how a mismatch shows.
    const mismatch = await acquire(key, 'fp-b');
    expect(mismatch.result).toMatchObject({ acquired: false, record: { fingerprint: 'fp-a' } });

    const bytes = Uint8Array.from([0, 1, 2, 254, 255]);
    expect(
      await store.complete({ key, token: first.token, fence: 1, result: bytes, ttlMs: 60_000 }),
    ).toBe(true);

    const replay = await acquire(key, 'fp-a');
    if (replay.result.acquired || replay.result.record.state !== 'completed')
      throw new Error('expected a replay');
    expect(Buffer.from(replay.result.record.result)).toEqual(Buffer.from(bytes));
    expect(replay.result.record.fence).toBe(1);
    expect(replay.result.record.ttlRemainingMs).toBeGreaterThan(59_000);
  });

  it('lets only the same fingerprint take over a lapsed lease, with a larger fence', async () => {
    const key = `takeover-${randomUUID()}`;
    const first = await acquire(key, 'fp', 50);
    expect(first.result).toEqual({ acquired: true, fence: 1 });
    await sleep(80);

    const lapsed = await store.get(key);
    expect(lapsed).toMatchObject({
      state: 'in_progress',
      fingerprint: 'fp',
      fence: 1,
      leaseRemainingMs: 0,
    });
    // A lapsed record still binds the key to its fingerprint.
    expect((await acquire(key, 'other')).result).toMatchObject({
      acquired: false,
      record: { fingerprint: 'fp' },
    });

    const second = await acquire(key, 'fp');
    expect(second.result).toEqual({ acquired: true, fence: 2 });
    // The first owner is fenced out of every write.
    const stale = { key, token: first.token, fence: 1 };
    expect(await store.extend({ ...stale, leaseMs: 1000 })).toBe(false);
    expect(await store.complete({ ...stale, result: new Uint8Array([1]), ttlMs: 1000 })).toBe(
      false,
    );
    expect(await store.release(stale)).toBe(false);
    expect(await store.get(key)).toMatchObject({ state: 'in_progress', fence: 2 });
  });

  it('keeps fences growing across release while the record is retained', async () => {
    const key = `release-${randomUUID()}`;
    const fences: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { token, result } = await acquire(key, `fp-${i}`);
      if (!result.acquired) throw new Error('expected to acquire a released key');
      fences.push(result.fence);
      expect(await store.release({ key, token, fence: result.fence })).toBe(true);
      expect(await store.get(key)).toBeUndefined();
      // Releasing twice, or extending a released key, changes nothing.
      expect(await store.release({ key, token, fence: result.fence })).toBe(false);
      expect(await store.extend({ key, token, fence: result.fence, leaseMs: 1000 })).toBe(false);
    }
    expect(fences).toEqual([1, 2, 3, 4]);
  });

  it('treats a repeated complete by the same owner as success and does not overwrite', async () => {
    const key = `repeat-${randomUUID()}`;
    const { token, result } = await acquire(key);
    if (!result.acquired) throw new Error('expected to acquire');
    const once = { key, token, fence: result.fence, ttlMs: 60_000 };
    expect(await store.complete({ ...once, result: Buffer.from('first') })).toBe(true);
    expect(await store.complete({ ...once, result: Buffer.from('first') })).toBe(true);
    expect(await store.extend({ key, token, fence: result.fence, leaseMs: 1000 })).toBe(false);
    expect(await store.release({ key, token, fence: result.fence })).toBe(false);
    const record = await store.get(key);
    expect(record?.state === 'completed' && Buffer.from(record.result).toString()).toBe('first');
  });

  it('extends a lease (even a lapsed one, while nobody took over) from the server clock', async () => {
    const key = `extend-${randomUUID()}`;
    const { token, result } = await acquire(key, 'fp', 50);
    if (!result.acquired) throw new Error('expected to acquire');
    await sleep(80);
    expect(await store.extend({ key, token, fence: result.fence, leaseMs: 5_000 })).toBe(true);
    const record = await store.get(key);
    expect(record?.state === 'in_progress' && record.leaseRemainingMs).toBeGreaterThan(4_000);
    // A lease extended past the retention keeps the record alive for the whole lease.
    const short = `extend-past-ttl-${randomUUID()}`;
    const owner = await acquire(short, 'fp', 1_000, 2_000);
    if (!owner.result.acquired) throw new Error('expected to acquire');
    expect(
      await store.extend({
        key: short,
        token: owner.token,
        fence: owner.result.fence,
        leaseMs: 30_000,
      }),
    ).toBe(true);
    expect(await client.pttl(store.redisKey(short))).toBeGreaterThan(20_000);
  });

  it('stores results as raw bytes: all 256 values, empty, and 1 MiB, with no inflation', async () => {
    const every = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 256;
    // A view into a larger buffer: only the viewed bytes may be stored.
    const backing = new Uint8Array(300);
    backing.set(every, 20);
    const view = backing.subarray(20, 276);
    for (const bytes of [every, new Uint8Array(0), big, view]) {
      const key = `bytes-${randomUUID()}`;
      const { token, result } = await acquire(key);
      if (!result.acquired) throw new Error('expected to acquire');
      expect(
        await store.complete({ key, token, fence: result.fence, result: bytes, ttlMs: 60_000 }),
      ).toBe(true);
      const record = await store.get(key);
      if (record?.state !== 'completed') throw new Error('expected a completed record');
      expect(record.result).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(record.result).equals(Buffer.from(bytes))).toBe(true);
      // The record ends with the result as it is: no base64, no escaping, a short head.
      const stored = (await client.getBuffer(store.redisKey(key))) as Buffer;
      expect(stored.subarray(stored.length - bytes.byteLength).equals(Buffer.from(bytes))).toBe(
        true,
      );
      expect(stored.length - bytes.byteLength).toBeLessThan(200);
    }
  });

  it('refuses a result over maxResultBytes before sending it, and writes nothing', async () => {
    const small = new RedisStore({ client, prefix, maxResultBytes: 16 });
    expect(small.capabilities.maxResultBytes).toBe(16);
    const key = `too-large-${randomUUID()}`;
    const token = randomUUID();
    const acquired = await small.acquire({
      key,
      fingerprint: 'fp',
      token,
      leaseMs: 10_000,
      ttlMs: 60_000,
    });
    if (!acquired.acquired) throw new Error('expected to acquire');
    const attempt = small.complete({
      key,
      token,
      fence: acquired.fence,
      result: new Uint8Array(17),
      ttlMs: 1000,
    });
    await expect(attempt).rejects.toBeInstanceOf(ResultTooLargeError);
    await expect(attempt).rejects.toMatchObject({ size: 17, limit: 16 });
    expect(await small.get(key)).toMatchObject({ state: 'in_progress' });
    expect(
      await small.complete({
        key,
        token,
        fence: acquired.fence,
        result: new Uint8Array(16),
        ttlMs: 1000,
      }),
    ).toBe(true);
  });

  it('expires through PEXPIRE and also checks expiry on read when Redis deletes late', async () => {
    const key = `expiry-${randomUUID()}`;
    const { token, result } = await acquire(key, 'fp', 10_000, 60_000);
    if (!result.acquired) throw new Error('expected to acquire');
    const pttl = await client.pttl(store.redisKey(key));
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);

    expect(
      await store.complete({
        key,
        token,
        fence: result.fence,
        result: Buffer.from('x'),
        ttlMs: 1_000, // long enough to PERSIST the key before Redis expires it, even when busy
      }),
    ).toBe(true);
    expect(await client.pttl(store.redisKey(key))).toBeLessThanOrEqual(1_000);
    // Take Redis' own expiry away: the store must still see the record as gone.
    await client.persist(store.redisKey(key));
    await sleep(1_200);
    expect(await client.exists(store.redisKey(key))).toBe(1);
    expect(await store.get(key)).toBeUndefined();
    const again = await acquire(key, 'another request');
    // The key still existed, so its fence keeps counting.
    expect(again.result).toEqual({ acquired: true, fence: 2 });
    expect(
      await store.complete({
        key,
        token,
        fence: result.fence,
        result: Buffer.from('y'),
        ttlMs: 150,
      }),
    ).toBe(false);
  });

  it('does not keep an in-progress record forever when its key loses its expiry', async () => {
    const key = `persisted-${randomUUID()}`;
    const { token, result } = await acquire(key, 'fp', 10_000, 60_000);
    if (!result.acquired) throw new Error('expected to acquire');
    await client.persist(store.redisKey(key));
    // Its lifetime was the key's expiry: without one, the record counts as over.
    expect(await store.get(key)).toBeUndefined();
    expect((await acquire(key, 'another request')).result).toEqual({ acquired: true, fence: 2 });
    expect(
      await store.complete({
        key,
        token,
        fence: result.fence,
        result: Buffer.from('x'),
        ttlMs: 60_000,
      }),
    ).toBe(false);
  });

  it('retains a lapsed in-progress record for ttl, then forgets it', async () => {
    const key = `retention-${randomUUID()}`;
    const { result } = await acquire(key, 'fp', 50, 2_000);
    expect(result).toEqual({ acquired: true, fence: 1 });
    await sleep(100); // past the lease, well within the retention even on a busy machine
    expect((await acquire(key, 'other')).result.acquired).toBe(false);
    await until(async () => (await store.get(key)) === undefined, 'the retention to end');
    expect((await acquire(key, 'other')).result.acquired).toBe(true);
  });

  it('measures time with the Redis clock, not this process clock', async () => {
    const key = `clock-${randomUUID()}`;
    const { token, result } = await acquire(key, 'fp', 10_000, 60_000);
    if (!result.acquired) throw new Error('expected to acquire');
    const realNow = Date.now();
    // This process's clock jumps a day ahead; the lease on the server must not care.
    const spy = vi.spyOn(Date, 'now').mockReturnValue(realNow + 86_400_000);
    try {
      const record = await store.get(key);
      expect(record?.state === 'in_progress' && record.leaseRemainingMs).toBeGreaterThan(9_000);
      expect((await acquire(key, 'fp')).result.acquired).toBe(false);
      expect(
        await store.complete({
          key,
          token,
          fence: result.fence,
          result: Buffer.from('ok'),
          ttlMs: 60_000,
        }),
      ).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps unicode, brace-laden and lone-surrogate keys apart', async () => {
    const keys = [
      '{a}',
      '{a}b',
      'a{b}',
      '}{',
      '{}',
      'ключ-🔑',
      '\uD800',
      '\uD801',
      'x'.repeat(600),
    ];
    for (const key of keys)
      expect((await acquire(key)).result).toEqual({ acquired: true, fence: 1 });
    for (const key of keys)
      expect(await store.get(key)).toMatchObject({ state: 'in_progress', fence: 1 });
    for (const key of keys) await store.delete(key);
    for (const key of keys) expect(await store.get(key)).toBeUndefined();
  });

  it('puts the Cluster hash tag around a digest, so no user key can pick the slot', () => {
    for (const key of ['plain', '{tag}', 'a{b}c', '}{', '{{}}']) {
      const redisKey = store.redisKey(key);
      expect(redisKey).toMatch(/^oncely-test:store:[0-9a-f-]+:\{[0-9a-f]{64}\}$/);
      expect(redisKey).not.toContain(key);
    }
    expect(store.redisKey('a')).not.toBe(store.redisKey('b'));
  });

  it('returns fingerprints exactly and refuses one that UTF-8 cannot carry', async () => {
    const fingerprint = 'méthode:POST /paiements ✓ 💳';
    const key = `fingerprint-${randomUUID()}`;
    await acquire(key, fingerprint);
    expect(await store.get(key)).toMatchObject({ fingerprint });
    await expect(acquire(`lone-${randomUUID()}`, 'bad\uD800')).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      field: 'fingerprint',
    });
  });

  it('deletes a record, and the fence sequence starts again', async () => {
    const key = `delete-${randomUUID()}`;
    await acquire(key);
    await store.delete(key);
    expect(await client.exists(store.redisKey(key))).toBe(0);
    expect((await acquire(key)).result).toEqual({ acquired: true, fence: 1 });
    await store.delete(`never-written-${randomUUID()}`);
  });

  it('refuses calls after close() and leaves the client open', async () => {
    const closing = new RedisStore({ client, prefix });
    await closing.close();
    await expect(closing.get('anything')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
  });

  it('warned about the eviction policy only if the shared Redis can evict', async () => {
    const [, policy] = (await client.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy === 'noeviction') expect(warnings).toEqual([]);
    else expect(warnings).toEqual([expect.stringContaining(policy)]);
  });
});
