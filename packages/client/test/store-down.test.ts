import { probeService } from '@oncely/testing';
import { checkRedisBinaries, RedisServer } from '@oncely/testing/redis-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type AttemptEvent, createClient } from '../src/index.js';
import { fast } from './support/fast.js';
import { redisStores } from './support/redis.js';
import { Ledger, startExpress, startFastify, type TestServer } from './support/servers.js';

const binaries = await probeService('redis-server and redis-cli', checkRedisBinaries);

describe.skipIf(!binaries.available)('the store is down', () => {
  const redis = redisStores();
  let redisServer: RedisServer | undefined;
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await redis.cleanup();
    await redisServer?.stop();
  });

  for (const [name, start] of [
    ['fastify', startFastify],
    ['express', startExpress],
  ] as const) {
    it(`${name}: 503 while Redis is down, the client backs off and succeeds when it returns`, async () => {
      // A Redis of this test's own, so it can be killed and started again on the same port.
      redisServer = await RedisServer.start();
      const ledger = new Ledger();
      server = await start(redis.store(`redis://127.0.0.1:${redisServer.port}`), ledger);
      await redisServer.kill();
      const events: AttemptEvent[] = [];
      let restarted: Promise<void> | undefined;
      const client = createClient({
        ...fast,
        onAttempt: (event) => {
          events.push(event);
          // The first 503 is the client's cue: bring the store back while it backs off.
          if (event.status === 503) restarted ??= redisServer?.start();
        },
      });
      const response = await client.fetch(`${server.url}/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ op: 'outage', amount: 700 }),
      });
      await restarted;
      expect(response.status).toBe(201);
      expect(response.idempotency.replayed).toBe(false);
      const outage = events.filter((e) => e.status === 503);
      expect(outage.length).toBeGreaterThanOrEqual(1);
      // It waited at least the Retry-After the server sent with each 503.
      for (const e of outage) expect(e.retryInMs).toBeGreaterThanOrEqual(e.retryAfterMs as number);
      expect(outage[0]?.retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(ledger.runs.get('outage')).toBe(1);
      expect(new Set(ledger.keys).size).toBe(1);
    });
  }
});
