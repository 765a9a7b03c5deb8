import { randomUUID } from 'node:crypto';
import type { AcquireResult } from '@oncely/core';
import { probeService } from '@oncely/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { pingSharedRedis, removeKeys, sharedClient, testPrefix } from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

const CLIENTS = 8;
const KEYS = 50;
const ACQUIRES_PER_KEY = 100;

describe.skipIf(!redis.available)('concurrent acquires across connections', () => {
  const prefix = testPrefix('races');
  const clients: Redis[] = [];
  const stores: RedisStore[] = [];

  beforeAll(async () => {
    for (let i = 0; i < CLIENTS; i++) {
      const client = sharedClient();
      await client.ping();
      clients.push(client);
      stores.push(new RedisStore({ client, prefix }));
    }
  });

  afterAll(async () => {
    const [first] = clients;
    if (first) await removeKeys(first, prefix);
    for (const client of clients) client.disconnect();
  });

  it(`gives each of ${KEYS} keys exactly one winner among ${ACQUIRES_PER_KEY} acquires over ${CLIENTS} clients`, async () => {
    const run = randomUUID();
    const attempts: Array<Promise<{ key: string; token: string; result: AcquireResult }>> = [];
    // Interleave keys and clients so every connection carries acquires for every key at once.
    for (let n = 0; n < ACQUIRES_PER_KEY; n++) {
      for (let k = 0; k < KEYS; k++) {
        const store = stores[(n + k) % CLIENTS] as RedisStore;
        const key = `${run}:${k}`;
        const token = randomUUID();
        attempts.push(
          store
            .acquire({ key, fingerprint: 'same request', token, leaseMs: 30_000, ttlMs: 60_000 })
            .then((result) => ({ key, token, result })),
        );
      }
    }
    const outcomes = await Promise.all(attempts);

    for (let k = 0; k < KEYS; k++) {
      const key = `${run}:${k}`;
      const forKey = outcomes.filter((outcome) => outcome.key === key);
      expect(forKey).toHaveLength(ACQUIRES_PER_KEY);
      const winners = forKey.filter((outcome) => outcome.result.acquired);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.result).toEqual({ acquired: true, fence: 1 });
      for (const loser of forKey.filter((outcome) => !outcome.result.acquired)) {
        expect(loser.result).toMatchObject({
          acquired: false,
          record: { state: 'in_progress', fingerprint: 'same request', fence: 1 },
        });
      }
      // The winner, and only the winner, owns the key.
      const winner = winners[0] as (typeof winners)[number];
      const someLoser = forKey.find(
        (outcome) => !outcome.result.acquired,
      ) as (typeof forKey)[number];
      expect(
        await stores[0]?.extend({ key, token: someLoser.token, fence: 1, leaseMs: 1000 }),
      ).toBe(false);
      expect(await stores[1]?.extend({ key, token: winner.token, fence: 1, leaseMs: 30_000 })).toBe(
        true,
      );
    }
  });
});
