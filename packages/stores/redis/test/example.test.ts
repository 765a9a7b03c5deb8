import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { probeService } from '@oncely/testing';
import { checkRedisBinaries, RedisServer } from '@oncely/testing/redis-server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const binaries = await probeService('redis-server and redis-cli', checkRedisBinaries);

describe.skipIf(!binaries.available)('the README example (examples/quickstart.ts)', () => {
  let server: RedisServer;

  beforeAll(async () => {
    // A server of its own, so the example's records never land in the shared Redis.
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('runs once, replays the retry, and leaves one completed record in Redis', async () => {
    const script = fileURLToPath(new URL('../examples/quickstart.ts', import.meta.url));
    const { stdout } = await promisify(execFile)('pnpm', ['exec', 'tsx', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${server.port}` },
    });
    expect(stdout.trim()).toBe('executed replayed true 1');

    const client = new Redis({ host: '127.0.0.1', port: server.port });
    try {
      const keys = await client.keys('oncely:*');
      expect(keys).toEqual([expect.stringMatching(/^oncely:\{[0-9a-f]{64}\}$/)]);
      expect(await client.get(keys[0] as string)).toMatch(/^c\|1\|/);
    } finally {
      client.disconnect();
    }
  });
});
