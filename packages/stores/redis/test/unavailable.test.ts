import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createIdempotency, StoreUnavailableError } from '@oncely/core';
import { freePort, probeService } from '@oncely/testing';
import { checkRedisBinaries, RedisServer } from '@oncely/testing/redis-server';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { sleep } from './support/redis.js';

const binaries = await probeService('redis-server and redis-cli', checkRedisBinaries);

/** The engine's own timeout is set far above the store's bound, so the bound seen is the store's. */
const ENGINE_TIMEOUT_MS = 20_000;

async function whenReady(client: Redis): Promise<void> {
  if (client.status !== 'ready') await once(client, 'ready');
}

describe.skipIf(!binaries.available)('Redis down or unreachable', () => {
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];

  /** A client with ioredis' default options, as most applications create it. */
  const clientFor = (port: number, extra: Record<string, unknown> = {}): Redis => {
    const client = new Redis({ host: '127.0.0.1', port, ...extra });
    client.on('error', () => undefined); // connection errors are expected here
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  it('fails fast when nothing listens, runs nothing, and works once a server appears', async () => {
    const port = await freePort();
    const client = clientFor(port);
    const store = new RedisStore({ client });
    const idempotency = createIdempotency({ store, storeTimeout: ENGINE_TIMEOUT_MS });
    let runs = 0;
    const handler = () => {
      runs += 1;
      return 'paid';
    };

    const started = Date.now();
    const failure = idempotency.run({ key: 'charge-1' }, handler);
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failure).rejects.toThrow(/not ready within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(ENGINE_TIMEOUT_MS / 2);
    expect(runs).toBe(0);

    servers.push(await RedisServer.start([], { port }));
    await whenReady(client);
    const outcome = await idempotency.run({ key: 'charge-1' }, handler);
    expect(outcome).toMatchObject({ status: 'executed', value: 'paid', fence: 1 });
    expect(runs).toBe(1);
  });

  it('fails fast after the server dies, and the same client works when it is back', async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const client = clientFor(server.port);
    const idempotency = createIdempotency({
      store: new RedisStore({ client }),
      storeTimeout: ENGINE_TIMEOUT_MS,
    });
    let runs = 0;
    const handler = () => {
      runs += 1;
      return runs;
    };

    expect(await idempotency.run({ key: 'before' }, handler)).toMatchObject({ status: 'executed' });
    await server.kill();
    while (client.status === 'ready') await sleep(10);

    const started = Date.now();
    const failure = idempotency.run({ key: 'during' }, handler);
    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(ENGINE_TIMEOUT_MS / 2);
    expect(runs).toBe(1);

    await server.start();
    await whenReady(client);
    expect(await idempotency.run({ key: 'after' }, handler)).toMatchObject({
      status: 'executed',
      value: 2,
    });
    expect(await idempotency.run({ key: 'after' }, handler)).toMatchObject({
      status: 'replayed',
      value: 2,
    });
  });

  it('fails a call in flight when the connection drops, instead of waiting to resend it', async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const client = clientFor(server.port);
    const store = new RedisStore({ client });
    expect(await store.get('warm')).toBeUndefined();

    server.pause(); // the command below is written, and never answered
    const pending = store.acquire({
      key: 'k',
      fingerprint: 'fp',
      token: randomUUID(),
      leaseMs: 1000,
      ttlMs: 1000,
    });
    const settled = pending.catch((error: unknown) => error);
    await sleep(50);
    await server.kill();
    const error = await settled;
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(String(error)).toMatch(/closed while a command was in flight/);
  });

  it('connects a lazyConnect client on first use', async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const client = clientFor(server.port, { lazyConnect: true });
    expect(client.status).toBe('wait');
    const store = new RedisStore({ client });
    expect(
      await store.acquire({
        key: 'k',
        fingerprint: 'fp',
        token: randomUUID(),
        leaseMs: 1000,
        ttlMs: 1000,
      }),
    ).toEqual({ acquired: true, fence: 1 });
  });

  it('with readyTimeout 0 refuses at once while the client is not connected', async () => {
    const client = clientFor(await freePort());
    const store = new RedisStore({ client, readyTimeout: 0 });
    await expect(store.get('k')).rejects.toThrow(/not ready within 0 ms/);
  });
});
