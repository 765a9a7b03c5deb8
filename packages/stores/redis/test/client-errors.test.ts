import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { probeService } from '@oncely/testing';
import { checkRedisBinaries, RedisServer } from '@oncely/testing/redis-server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';

const binaries = await probeService('redis-server and redis-cli', checkRedisBinaries);

/** Resolves when the child has printed a line matching `pattern`. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}: ${seen}`)));
  });
}

describe.skipIf(!binaries.available)('a client without an error listener of its own', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('logs an outage once (not once per reconnect) and the process recovers', async () => {
    const script = fileURLToPath(new URL('./fixtures/outage-process.ts', import.meta.url));
    const child = spawn('pnpm', ['exec', 'tsx', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${server.port}` },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    await waitForLine(child, /before executed/);
    await server.kill();
    await waitForLine(child, /reconnecting 10\b/);
    await server.start();

    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/Unhandled error event/);
    expect(stderr.match(/oncely: the Redis client failed/g)).toHaveLength(1);
  });

  it('keeps quiet while the application listens, and reports again once it stops', async () => {
    const client = new Redis({ port: server.port, lazyConnect: true });
    const warnings: string[] = [];
    new RedisStore({ client, onWarning: (message) => warnings.push(message) });
    const seen: Error[] = [];
    const listener = (error: Error) => seen.push(error);
    client.on('error', listener);
    client.emit('error', new Error('heard by the application'));
    expect([seen.length, warnings]).toEqual([1, []]);
    client.off('error', listener);
    client.emit('error', new Error('heard by no one else'));
    expect(warnings).toEqual([expect.stringMatching(/heard by no one else/)]);
    client.disconnect();
  });
});
