import { randomUUID } from 'node:crypto';
import { probeService } from '@oncely/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { newInProgressRecord } from '../src/record.js';
import { pingSharedRedis, removeKeys, sharedClient, testPrefix } from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

/**
 * complete recognises its owner's in-progress record by its prefix, lengths and last bytes
 * (scripts.ts): these are the records that look like the owner's in part and are not.
 */
describe.skipIf(!redis.available)('complete stores only over its own in-progress record', () => {
  const prefix = testPrefix('owner-check');
  let client: Redis;
  let store: RedisStore;

  beforeAll(() => {
    client = sharedClient();
    store = new RedisStore({ client, prefix, checkEvictionPolicy: false });
  });

  afterAll(async () => {
    await store.close();
    await removeKeys(client, prefix);
    client.disconnect();
  });

  const result = Buffer.from('the result');

  /** Put an in-progress record for `token` at fence 1 straight into Redis. */
  async function recordOf(key: string, token: string, fingerprint = 'fp'): Promise<void> {
    const created = newInProgressRecord(fingerprint, token, 10_000, 60_000);
    await client.set(store.redisKey(key), created.value, 'PX', created.retentionMs);
  }

  it('refuses an owner whose token is only the tail of the holder’s token', async () => {
    const key = `tail-${randomUUID()}`;
    const token = randomUUID();
    await recordOf(key, `x${token}`);
    expect(await store.complete({ key, token, fence: 1, result, ttlMs: 60_000 })).toBe(false);
    expect(await store.get(key)).toMatchObject({ state: 'in_progress', fence: 1 });
  });

  it('refuses an owner whose token ends the fingerprint of a holder with a shorter token', async () => {
    const key = `short-${randomUUID()}`;
    const token = randomUUID();
    // fingerprint + token bytes end with `token`, but the token field is only "t".
    await recordOf(key, 't', `fp${token.slice(0, -1)}`);
    expect(await store.complete({ key, token, fence: 1, result, ttlMs: 60_000 })).toBe(false);
  });

  it('refuses the right token with another fence', async () => {
    const key = `fence-${randomUUID()}`;
    const token = randomUUID();
    await recordOf(key, token);
    expect(await store.complete({ key, token, fence: 11, result, ttlMs: 60_000 })).toBe(false);
    expect(await store.get(key)).toMatchObject({ state: 'in_progress', fence: 1 });
  });

  it('stores for the owner, and rounds a ttl with a fraction as before', async () => {
    const key = `fraction-${randomUUID()}`;
    const token = randomUUID();
    await recordOf(key, token);
    expect(await store.complete({ key, token, fence: 1, result, ttlMs: 60_000.6 })).toBe(true);
    const replay = await store.acquire({
      key,
      fingerprint: 'fp',
      token: randomUUID(),
      leaseMs: 1000,
      ttlMs: 1000,
    });
    expect(replay).toMatchObject({ acquired: false, record: { state: 'completed', fence: 1 } });
    expect(await client.pttl(store.redisKey(key))).toBeLessThanOrEqual(60_001);
  });
});
