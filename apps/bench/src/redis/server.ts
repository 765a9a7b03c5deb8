import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@oncely/testing';
import { Redis } from 'ioredis';
import { pinnedCommand, recordObserved } from '../pinning.js';

export interface RedisTarget {
  url: string;
  /** True when this run started the server itself (nothing else talks to it). */
  dedicated: boolean;
  version: string;
  stop(): Promise<void>;
}

/**
 * The Redis every library is measured on. By default a dedicated redis-server on a free
 * loopback port, so that the server-side counters (INFO commandstats, MONITOR) see only this
 * benchmark's commands; `--redis-url` uses an existing server instead (its counters are then
 * shared with whatever else runs there, and the figures say so).
 */
export async function redisTarget(url: string | undefined): Promise<RedisTarget> {
  if (url) {
    return { url, dedicated: false, version: await serverVersion(url), stop: async () => {} };
  }
  const port = await freePort();
  // On the load generator's CPUs when the run is pinned: never on the server under test's.
  const command = pinnedCommand('load', 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const server = spawn(command.command, command.args, { stdio: ['ignore', 'ignore', 'inherit'] });
  // Never leave the server behind, even when the benchmark dies on an error.
  const killOnExit = () => server.kill();
  process.once('exit', killOnExit);
  server.once('exit', () => process.off('exit', killOnExit));
  const ownUrl = `redis://127.0.0.1:${port}`;
  await waitUntilUp(server, ownUrl);
  recordObserved('redis', server.pid);
  return {
    url: ownUrl,
    dedicated: true,
    version: await serverVersion(ownUrl),
    stop: () => stopServer(server),
  };
}

async function waitUntilUp(server: ChildProcess, url: string): Promise<void> {
  const failed = new Promise<never>((_, reject) => {
    server.once('error', (error) =>
      reject(new Error(`could not start redis-server (is it installed?): ${error.message}`)),
    );
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await Promise.race([client.connect().then(() => client.ping()), failed]);
      client.disconnect();
      return;
    } catch (error) {
      client.disconnect();
      if (server.exitCode !== null) throw new Error(`redis-server exited (${server.exitCode})`);
      if (error instanceof Error && error.message.startsWith('could not start')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`redis-server on ${url} did not come up`);
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const gone = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await gone;
}

async function serverVersion(url: string): Promise<string> {
  const client = new Redis(url);
  try {
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}
