import { randomUUID } from 'node:crypto';
import { createIdempotency } from '@oncely/core';
import { probeService } from '@oncely/testing';
import { checkRedisBinaries, RedisServer } from '@oncely/testing/redis-server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';

const binaries = await probeService('redis-server and redis-cli', checkRedisBinaries);

/** Two more round trips on the same connection: the background CONFIG GET has answered by then. */
async function settle(store: RedisStore): Promise<void> {
  await store.get('settle');
  await store.get('settle');
}

describe.skipIf(!binaries.available)('on a Redis server of our own', () => {
  let server: RedisServer;
  let noConfig: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    // Managed Redis often disables CONFIG; the store must work all the same.
    noConfig = await RedisServer.start(['--rename-command', 'CONFIG', '']);
    client = new Redis({ host: '127.0.0.1', port: server.port });
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
    await noConfig?.stop();
  });

  describe('the maxmemory-policy check', () => {
    for (const policy of ['allkeys-lru', 'volatile-ttl', 'allkeys-random']) {
      it(`warns once, on first use, when the policy is ${policy}`, async () => {
        await client.config('SET', 'maxmemory-policy', policy);
        const warnings: string[] = [];
        const store = new RedisStore({ client, onWarning: (message) => warnings.push(message) });
        expect(warnings).toEqual([]); // lazily: constructing the store sends nothing
        await store.acquire({
          key: randomUUID(),
          fingerprint: 'f',
          token: randomUUID(),
          leaseMs: 1000,
          ttlMs: 1000,
        });
        await settle(store);
        await settle(store);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain(policy);
        expect(warnings[0]).toContain('noeviction');
      });
    }

    it('stays quiet under noeviction', async () => {
      await client.config('SET', 'maxmemory-policy', 'noeviction');
      const warnings: string[] = [];
      const store = new RedisStore({ client, onWarning: (message) => warnings.push(message) });
      await settle(store);
      await settle(store);
      expect(warnings).toEqual([]);
    });

    it('does not check when told not to', async () => {
      await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const warnings: string[] = [];
      const store = new RedisStore({
        client,
        checkEvictionPolicy: false,
        onWarning: (message) => warnings.push(message),
      });
      await settle(store);
      await settle(store);
      expect(warnings).toEqual([]);
    });

    it('tolerates CONFIG being disabled: no warning, no failure', async () => {
      const restricted = new Redis({ host: '127.0.0.1', port: noConfig.port });
      try {
        await expect(restricted.config('GET', 'maxmemory-policy')).rejects.toThrow(
          /unknown command/,
        );
        const warnings: string[] = [];
        const store = new RedisStore({
          client: restricted,
          onWarning: (message) => warnings.push(message),
        });
        const idempotency = createIdempotency({ store });
        expect(await idempotency.run({ key: 'k' }, () => 'ran')).toMatchObject({
          status: 'executed',
        });
        await settle(store);
        expect(await idempotency.run({ key: 'k' }, () => 'ran again')).toMatchObject({
          status: 'replayed',
          value: 'ran',
        });
        expect(warnings).toEqual([]);
      } finally {
        restricted.disconnect();
      }
    });

    it('sends warnings to console.warn by default', async () => {
      await client.config('SET', 'maxmemory-policy', 'volatile-lru');
      const original = console.warn;
      const printed: unknown[] = [];
      console.warn = (...args: unknown[]) => printed.push(...args);
      try {
        await settle(new RedisStore({ client }));
        await settle(new RedisStore({ client }));
      } finally {
        console.warn = original;
      }
      expect(printed).toEqual([
        expect.stringContaining('volatile-lru'),
        expect.stringContaining('volatile-lru'),
      ]);
    });
  });

  it('falls back to the full script when the server forgot it (NOSCRIPT), then uses EVALSHA again', async () => {
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    const store = new RedisStore({ client });
    const idempotency = createIdempotency({ store });
    expect(await idempotency.run({ key: 'a' }, () => 1)).toMatchObject({ status: 'executed' });

    await client.script('FLUSH');
    await client.config('RESETSTAT');
    expect(await idempotency.run({ key: 'b' }, () => 2)).toMatchObject({
      status: 'executed',
      value: 2,
    });
    expect(await idempotency.run({ key: 'c' }, () => 3)).toMatchObject({ status: 'executed' });
    expect(await idempotency.run({ key: 'b' }, () => 4)).toMatchObject({
      status: 'replayed',
      value: 2,
    });
    const stats = String(await client.info('commandstats'));
    const calls = (name: string) =>
      Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    const failed = (name: string) =>
      Number(new RegExp(`cmdstat_${name}:.*failed_calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    // Acquires are plain SETs (3, plus the 2 each complete script runs inside). The first
    // complete missed and was sent in full; the second hit.
    expect(calls('set')).toBe(5);
    expect(calls('eval')).toBe(1);
    expect(calls('evalsha')).toBe(2);
    expect(failed('evalsha')).toBe(1);
  });
});
