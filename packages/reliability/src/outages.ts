import { startDynamoDBLocal } from '@oncely/testing/dynamodb-local';
import { RedisServer } from '@oncely/testing/redis-server';
import {
  type Backend,
  dynamodbBackend,
  postgresBackend,
  redisBackend,
  scratchDir,
} from './backends.js';
import type { Outage } from './scenarios/outage.js';
import { TcpProxy } from './tcp-proxy.js';

/** A backend that can be taken down and brought back, and how to remove all of it. */
export interface OutageRig {
  backend: Backend;
  outage: Outage;
  /** Stop whatever the rig started (by PID) and remove what it created. */
  teardown(): Promise<void>;
}

/**
 * A redis-server of our own on a free loopback port, with every write on disk before it is
 * acknowledged (AOF, fsync always): killed with SIGKILL, restarted on the same port, it comes
 * back with every acknowledged record. (Without persistence a restarted Redis has no records,
 * and retries of completed keys would run again: see the Redis store's README.)
 */
export async function redisOutageRig(): Promise<OutageRig> {
  const dir = await scratchDir();
  const server = await RedisServer.start(
    ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir.path],
    { cwd: dir.path },
  ).catch(async (error) => {
    await dir.drop();
    throw error;
  });
  return {
    backend: redisBackend({ host: '127.0.0.1', port: server.port }),
    outage: {
      description: 'redis-server SIGKILL, restarted on its port with its AOF',
      down: () => server.kill(),
      up: () => server.start(),
    },
    async teardown() {
      await server.stop();
      await dir.drop();
    },
  };
}

/**
 * PostgreSQL behind a TCP proxy on loopback: the proxy cuts every connection and refuses new
 * ones, then accepts again. The database keeps running (a cluster of our own is heavy), so this
 * is a network partition between the app and the store.
 */
export async function postgresOutageRig(): Promise<OutageRig> {
  const backend = await postgresBackend();
  const proxy = await TcpProxy.start(backend.address as { host: string; port: number });
  return {
    backend: { ...backend, config: backend.via(proxy.port) },
    outage: {
      description: 'every connection cut by a proxy, then accepted again',
      down: () => proxy.cut(),
      up: () => proxy.open(),
    },
    async teardown() {
      await proxy.stop();
      await backend.cleanup();
    },
  };
}

/**
 * A DynamoDB Local of our own that keeps its tables on disk (`-dbPath`): stopped by PID and
 * started again on the same port and directory, the table and its records are still there.
 */
export async function dynamodbOutageRig(): Promise<OutageRig> {
  const dir = await scratchDir();
  let server = await startDynamoDBLocal({ dbPath: dir.path }).catch(async (error) => {
    await dir.drop();
    throw error;
  });
  const port = Number(new URL(server.endpoint).port);
  const backend = await dynamodbBackend(server.endpoint);
  return {
    backend,
    outage: {
      description: 'DynamoDB Local stopped, restarted on its port with its -dbPath',
      down: () => server.stop(),
      up: async () => {
        server = await startDynamoDBLocal({ port, dbPath: dir.path });
      },
    },
    async teardown() {
      await server.stop();
      await dir.drop();
    },
  };
}
