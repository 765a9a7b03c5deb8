import { createIdempotency } from '@oncely/core';
import { probeService } from '@oncely/testing';
import { checkRedisBinaries, RedisServer } from '@oncely/testing/redis-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../examples/reconnect.js';
import { RedisStore } from '../src/index.js';

const binaries = await probeService('redis-server and redis-cli', checkRedisBinaries);

describe.skipIf(!binaries.available)('the README reconnect example (examples/reconnect.ts)', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('waits at most 500 ms between attempts during an outage, logs it once, and recovers', async () => {
    const log: string[] = [];
    const client = createRedisClient(`redis://127.0.0.1:${server.port}`, (m) => log.push(m));
    const idempotency = createIdempotency({ store: new RedisStore({ client }) });
    try {
      expect((await idempotency.run({ key: 'before' }, () => 1)).status).toBe('executed');

      // Past the attempts at which ioredis 6's default waits 1.6, 3.2 and then 5 s.
      const delays: number[] = [];
      const twelveAttempts = new Promise<void>((resolve) => {
        client.on('reconnecting', (delay: number) => {
          delays.push(delay);
          if (delays.length === 12) resolve();
        });
      });
      await server.kill();
      await twelveAttempts;
      expect(Math.max(...delays)).toBe(500);

      await server.start();
      await new Promise((resolve) => client.once('ready', resolve));
      expect((await idempotency.run({ key: 'after' }, () => 2)).status).toBe('executed');
      expect(log).toEqual([
        expect.stringMatching(/^Redis unreachable \(.+\), reconnecting$/),
        'Redis reachable again',
      ]);
    } finally {
      client.disconnect();
    }
  });
});
