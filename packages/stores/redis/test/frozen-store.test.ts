import { readFile } from 'node:fs/promises';
import { createIdempotency, type OncelyEvent, StoreUnavailableError } from '@oncely/core';
import { probeService } from '@oncely/testing';
import { checkRedisBinaries, RedisServer } from '@oncely/testing/redis-server';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { sleep } from './support/redis.js';

const binaries = await probeService('redis-server and redis-cli', checkRedisBinaries);

const STORE_TIMEOUT_MS = 1000;

/** Resolves once the kernel reports the process stopped (state `T`), so nothing it sends is answered. */
async function stopped(pid: number): Promise<void> {
  for (;;) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await sleep(5);
  }
}

describe.skipIf(!binaries.available)('a store that freezes after the handler ran', () => {
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];

  afterEach(async () => {
    for (const server of servers) server.resume();
    for (const client of clients.splice(0)) client.disconnect();
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  it('holds the live response for one store timeout, then completes in the background', async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const client = new Redis({ host: '127.0.0.1', port: server.port });
    client.on('error', () => undefined); // the frozen server makes the client complain
    clients.push(client);
    const events: OncelyEvent[] = [];
    let onCompleted = () => {};
    const completed = new Promise<void>((resolve) => {
      onCompleted = resolve;
    });
    const idempotency = createIdempotency({
      store: new RedisStore({ client }),
      storeTimeout: STORE_TIMEOUT_MS,
      lease: '30s',
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'completed') onCompleted();
      },
    });
    const completeFailures = () =>
      events.filter((e) => e.type === 'store_error' && e.operation === 'complete').length;

    let handlerDone = 0;
    const outcome = idempotency.run({ key: 'charge-frozen' }, async () => {
      server.pause(); // SIGSTOP: the connection stays open and nothing is answered
      await stopped(server.pid as number);
      handlerDone = performance.now();
      return 'paid';
    });
    const error = await outcome.catch((e: unknown) => e);
    const waited = performance.now() - handlerDone;
    expect(error).toBeInstanceOf(StoreUnavailableError);
    // One complete attempt, cut off by the store timeout, before the caller was answered: not
    // three attempts of a store timeout each.
    expect(completeFailures()).toBe(1);
    expect(waited).toBeLessThan(2 * STORE_TIMEOUT_MS);

    server.resume();
    await completed;
    expect(await idempotency.run({ key: 'charge-frozen' }, () => 'again')).toMatchObject({
      status: 'replayed',
      value: 'paid',
    });
  });
});
