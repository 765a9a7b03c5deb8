import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '@oncely/dynamodb';
import { PostgresStore } from '@oncely/postgres';
import { LOCAL_CLIENT_CONFIG } from '@oncely/testing/dynamodb-local';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { StoreConfig, StoreKind } from './store-config.js';

/**
 * One store for one scenario: where it is, how to reach it through another address (a proxy
 * on loopback), and how to remove only what this run created.
 */
export interface Backend {
  kind: StoreKind;
  config: StoreConfig;
  /** The store's TCP address, for a proxy in front of it (none for the memory store). */
  address?: { host: string; port: number };
  /** The same store reached through `127.0.0.1:port` instead. */
  via(port: number): StoreConfig;
  cleanup(): Promise<void>;
}

export const REDIS = { host: '127.0.0.1', port: 6379 };
export const POSTGRES_URL =
  process.env.ONCELY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const runId = (): string => randomBytes(4).toString('hex');

export function memoryBackend(): Backend {
  return {
    kind: 'memory',
    config: { kind: 'memory' },
    via: () => ({ kind: 'memory' }),
    cleanup: async () => {},
  };
}

/** Records under a prefix of this run's own on a Redis it may share; cleanup deletes just those. */
export function redisBackend(address = REDIS): Backend {
  const prefix = `oncely-reliability:${runId()}:`;
  return {
    kind: 'redis',
    config: { kind: 'redis', ...address, prefix },
    address,
    via: (port) => ({ kind: 'redis', host: '127.0.0.1', port, prefix }),
    async cleanup() {
      const client = new Redis({ ...address, maxRetriesPerRequest: 1, lazyConnect: true });
      client.on('error', () => undefined);
      try {
        await client.connect();
        let cursor = '0';
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== '0');
      } finally {
        client.disconnect();
      }
    },
  };
}

/** A schema of this run's own, migrated; cleanup drops just that schema. */
export async function postgresBackend(url = POSTGRES_URL): Promise<Backend> {
  const schema = `oncely_reliability_${runId()}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  await new PostgresStore({ pool, schema }).migrate();
  await pool.end();
  const parsed = new URL(url);
  const withPort = (port: number): string => {
    const next = new URL(url);
    next.hostname = '127.0.0.1';
    next.port = String(port);
    return next.toString();
  };
  return {
    kind: 'postgres',
    config: { kind: 'postgres', url, schema },
    address: { host: parsed.hostname, port: Number(parsed.port || 5432) },
    via: (port) => ({ kind: 'postgres', url: withPort(port), schema }),
    async cleanup() {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** A table of this run's own on a DynamoDB Local; cleanup deletes just that table. */
export async function dynamodbBackend(endpoint: string): Promise<Backend> {
  const tableName = `oncely-reliability-${runId()}`;
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
  try {
    await new DynamoDBStore({ client, tableName }).createTable();
  } finally {
    client.destroy();
  }
  const url = new URL(endpoint);
  return {
    kind: 'dynamodb',
    config: { kind: 'dynamodb', endpoint, tableName },
    address: { host: url.hostname, port: Number(url.port) },
    via: (port) => ({ kind: 'dynamodb', endpoint: `http://127.0.0.1:${port}`, tableName }),
    async cleanup() {
      const admin = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
      try {
        await admin.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      } finally {
        admin.destroy();
      }
    },
  };
}

/** A temporary directory of this run's own (ledger files, server data), removed by `drop`. */
export async function scratchDir(): Promise<{ path: string; drop: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'oncely-reliability-'));
  return { path, drop: () => rm(path, { recursive: true, force: true }) };
}
