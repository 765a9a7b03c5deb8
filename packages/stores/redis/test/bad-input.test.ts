import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createIdempotency, InvalidArgumentError, StoreUnavailableError } from '@oncely/core';
import { freePort, probeService } from '@oncely/testing';
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore, type RedisStoreOptions } from '../src/index.js';
import {
  pingSharedRedis,
  REDIS_HOST,
  REDIS_PORT,
  removeKeys,
  sharedClient,
  testPrefix,
} from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

function refusal(options: unknown): InvalidArgumentError {
  try {
    new RedisStore(options as RedisStoreOptions);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected the store to refuse these options');
}

describe('RedisStore refuses what it cannot use, naming the field', () => {
  const idle: Array<Redis | Cluster> = [];
  const lazyClient = (options: Record<string, unknown> = {}): Redis => {
    const client = new Redis({ lazyConnect: true, ...options });
    idle.push(client);
    return client;
  };
  afterAll(() => {
    for (const client of idle) client.disconnect();
  });

  it('refuses options that are not an object', () => {
    expect(refusal(undefined).field).toBe('options');
    expect(refusal(null).field).toBe('options');
  });

  it('refuses anything that is not an ioredis client', () => {
    const notIoredis = [
      undefined,
      null,
      'redis://127.0.0.1:6379',
      {},
      // The shape of a node-redis client: another library, not supported.
      {
        isOpen: true,
        sendCommand: () => undefined,
        connect: () => undefined,
        eval: () => undefined,
      },
      { evalshaBuffer: () => undefined },
    ];
    for (const client of notIoredis) {
      const error = refusal({ client });
      expect(error.field).toBe('client');
      expect(error.message).toMatch(/ioredis 5 or 6 client/);
    }
  });

  it('refuses a client with keyPrefix, standalone or Cluster, and says what to use instead', () => {
    const prefixed = lazyClient({ keyPrefix: 'app:' });
    const error = refusal({ client: prefixed });
    expect(error.field).toBe('client.options.keyPrefix');
    expect(error.message).toMatch(/use the store option `prefix`/);

    const cluster = new Cluster([{ host: REDIS_HOST, port: 1 }], {
      lazyConnect: true,
      keyPrefix: '{app}:',
    });
    idle.push(cluster);
    expect(refusal({ client: cluster }).field).toBe('client.options.keyPrefix');
    const nested = new Cluster([{ host: REDIS_HOST, port: 1 }], {
      lazyConnect: true,
      redisOptions: { keyPrefix: 'app:' },
    });
    idle.push(nested);
    expect(refusal({ client: nested }).field).toBe('client.options.keyPrefix');
  });

  it('accepts an unconnected Cluster client without a prefix', () => {
    const cluster = new Cluster([{ host: REDIS_HOST, port: 1 }], { lazyConnect: true });
    idle.push(cluster);
    expect(new RedisStore({ client: cluster }).capabilities.clock).toBe('server');
  });

  it('refuses a client that was already closed', async () => {
    const client = lazyClient({ port: await freePort() });
    client.disconnect();
    expect(client.status).toBe('end');
    const error = refusal({ client });
    expect(error.field).toBe('client');
    expect(error.message).toMatch(/closed/);
  });

  it('checks every option', () => {
    const client = lazyClient();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ prefix: 42 }, 'prefix'],
      [{ prefix: 'app:{tenant}:' }, 'prefix'],
      [{ prefix: 'a}' }, 'prefix'],
      [{ maxResultBytes: 0 }, 'maxResultBytes'],
      [{ maxResultBytes: 1.5 }, 'maxResultBytes'],
      [{ maxResultBytes: '8MiB' }, 'maxResultBytes'],
      [{ maxResultBytes: 513 * 1024 * 1024 }, 'maxResultBytes'],
      [{ readyTimeout: 'soon' }, 'readyTimeout'],
      [{ readyTimeout: -1 }, 'readyTimeout'],
      [{ checkEvictionPolicy: 'yes' }, 'checkEvictionPolicy'],
      [{ onWarning: 'console' }, 'onWarning'],
    ];
    for (const [options, field] of cases) expect(refusal({ client, ...options }).field).toBe(field);
    const store = new RedisStore({
      client,
      prefix: '',
      maxResultBytes: 512 * 1024 * 1024,
      readyTimeout: '250ms',
    });
    expect(store.capabilities.maxResultBytes).toBe(512 * 1024 * 1024);
  });
});

describe.skipIf(!redis.available)('a client closed after the store was made', () => {
  const prefix = testPrefix('bad-input');

  afterAll(async () => {
    const cleaner = sharedClient();
    await removeKeys(cleaner, prefix);
    cleaner.disconnect();
  });

  it('makes every call fail with StoreUnavailableError, and the engine runs nothing', async () => {
    const client = new Redis({ host: REDIS_HOST, port: REDIS_PORT });
    const store = new RedisStore({ client, prefix });
    const key = `k-${randomUUID()}`;
    expect(
      (
        await store.acquire({
          key,
          fingerprint: 'f',
          token: randomUUID(),
          leaseMs: 1000,
          ttlMs: 1000,
        })
      ).acquired,
    ).toBe(true);
    await client.quit();
    if (client.status !== 'end') await once(client, 'end');

    await expect(store.get(key)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.get(key)).rejects.toThrow(/client is closed/);
    let ran = false;
    const idempotency = createIdempotency({ store });
    await expect(
      idempotency.run({ key: 'order' }, () => {
        ran = true;
      }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(ran).toBe(false);
  });
});

describe.skipIf(!redis.available)('a Redis older than 7.0', () => {
  it('fails closed and names the version it needs', async () => {
    // Only Redis 7.0 runs here; an older server answers SET with both NX and GET with this error.
    const client = sharedClient();
    client.setBuffer = (() =>
      Promise.reject(new Error('ERR syntax error'))) as unknown as Redis['setBuffer'];
    try {
      const store = new RedisStore({ client, prefix: testPrefix('old-redis') });
      const acquiring = store.acquire({
        key: 'order',
        fingerprint: 'fp',
        token: randomUUID(),
        leaseMs: 1000,
        ttlMs: 1000,
      });
      await expect(acquiring).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(acquiring).rejects.toThrow(/needs Redis 7\.0 or later/);
    } finally {
      client.disconnect();
    }
  });
});
