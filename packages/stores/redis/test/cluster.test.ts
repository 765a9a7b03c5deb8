import { randomUUID } from 'node:crypto';
import { runStoreConformance } from '@oncely/conformance';
import { createIdempotency } from '@oncely/core';
import { probeService } from '@oncely/testing';
import { checkRedisBinaries, RedisCluster } from '@oncely/testing/redis-server';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { RedisStore } from '../src/index.js';

const binaries = await probeService('redis-server and redis-cli', checkRedisBinaries);

describe.skipIf(!binaries.available)('RedisStore on a three-master Redis Cluster', () => {
  let cluster: RedisCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
  });

  afterAll(async () => {
    client?.disconnect();
    // Stops the nodes by PID and removes the temp dir, whether the tests passed or not.
    await cluster?.stop();
  });

  // The whole suite, unchanged, through a Cluster client of its own per instance.
  const clients = new WeakMap<RedisStore, Cluster>();
  runStoreConformance({
    test,
    describe,
    name: 'conformance',
    createStore: () => {
      const own = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
      const store = new RedisStore({ client: own, prefix: 'conformance:' });
      clients.set(store, own);
      return store;
    },
    destroyStore: async (store) => {
      await store.close();
      clients.get(store as RedisStore)?.disconnect();
    },
    timing: { unitMs: 200 },
  });

  it('puts each record in the slot of its digest, whatever braces the user key holds', async () => {
    const store = new RedisStore({ client, prefix: 'app:' });
    const keys = ['{a}', '{a}b', 'a{b}', '}{', '{}', '{user:1}', 'ключ-🔑'];
    for (const key of keys) {
      const redisKey = store.redisKey(key);
      const tag = /\{([0-9a-f]{64})\}$/.exec(redisKey)?.[1] as string;
      expect(await client.cluster('KEYSLOT', redisKey)).toBe(await client.cluster('KEYSLOT', tag));
    }
  });

  it('sends the commands of one tick in at most one socket write per node', async () => {
    // No eviction check: its CONFIG GET would be a write of its own while acquires are answered.
    const store = new RedisStore({
      client,
      prefix: `tick-${randomUUID()}:`,
      checkEvictionPolicy: false,
    });
    // Every node connected before its socket is instrumented: the cluster client opens its node
    // connections as it learns of them, and on a busy machine one PING answers before they all are.
    await Promise.all(client.nodes('all').map((node) => node.ping()));
    const writes = new Map<string, number>();
    const restore: Array<() => void> = [];
    for (const node of client.nodes('all')) {
      const socket = node.stream as unknown as Record<
        '_write' | '_writev',
        (...a: unknown[]) => void
      >;
      const name = `${node.options.host}:${node.options.port}`;
      for (const method of ['_write', '_writev'] as const) {
        const original = socket[method];
        socket[method] = function (this: unknown, ...args: unknown[]) {
          writes.set(name, (writes.get(name) ?? 0) + 1);
          return original.apply(this, args);
        };
        restore.push(() => {
          socket[method] = original;
        });
      }
    }
    const keys = Array.from({ length: 30 }, () => randomUUID());
    const results = await Promise.all(
      keys.map((key) =>
        store.acquire({ key, fingerprint: 'fp', token: randomUUID(), leaseMs: 5000, ttlMs: 5000 }),
      ),
    );
    for (const undo of restore) undo();
    expect(results).toEqual(keys.map(() => ({ acquired: true, fence: 1 })));
    // 30 keys spread over three masters: each node got its share in one write.
    expect(writes.size).toBeGreaterThan(1);
    for (const count of writes.values()) expect(count).toBe(1);
    await store.close();
  });

  it('runs the lifecycle on every master', async () => {
    const store = new RedisStore({ client, prefix: `cluster-${randomUUID()}:` });
    const idempotency = createIdempotency({ store });
    const masters = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const key = `order-${i}`;
      expect(await idempotency.run({ key }, () => i)).toMatchObject({
        status: 'executed',
        value: i,
        fence: 1,
      });
      expect(await idempotency.run({ key }, () => -1)).toMatchObject({
        status: 'replayed',
        value: i,
      });
      const slot = Number(await client.cluster('KEYSLOT', store.redisKey(`oncely:0::${key}`)));
      const owner = (await client.cluster('SHARDS')) as unknown[];
      masters.add(shardOf(owner, slot));
    }
    // Thirty random slots over three masters: every master served some of them.
    expect(masters.size).toBe(3);
  });

  it('checks the eviction policy on every master', async () => {
    const [, second] = client.nodes('master');
    await second?.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    try {
      const warnings: string[] = [];
      const store = new RedisStore({ client, onWarning: (message) => warnings.push(message) });
      await store.get('a');
      for (let i = 0; i < 50 && warnings.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(warnings).toEqual([expect.stringContaining('allkeys-lfu')]);
    } finally {
      await second?.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });
});

/** The id of the shard whose slot ranges hold `slot`, from a CLUSTER SHARDS reply. */
function shardOf(shards: unknown[], slot: number): string {
  for (const shard of shards as unknown[][]) {
    const slots = shard[1] as number[];
    for (let i = 0; i < slots.length; i += 2) {
      if (slot >= (slots[i] as number) && slot <= (slots[i + 1] as number))
        return JSON.stringify(shard[3]);
    }
  }
  throw new Error(`no shard holds slot ${slot}`);
}
