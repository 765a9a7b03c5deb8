import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Store } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { MemoryStore } from '@oncely/memory';
import { PostgresStore } from '@oncely/postgres';
import { RedisStore } from '@oncely/redis';
import { Redis } from 'ioredis';
import pg from 'pg';

/** Where a worker's records live: plain data, so it can travel to a child process as JSON. */
export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; host: string; port: number; prefix: string }
  | { kind: 'postgres'; url: string; schema: string }
  | { kind: 'dynamodb'; endpoint: string; tableName: string };

export type StoreKind = StoreConfig['kind'];

export interface OpenedStore {
  store: Store;
  /** Close the driver client this module opened (the store never closes a client it was given). */
  close(): Promise<void>;
}

/** DynamoDB Local ignores credentials and region, but the SDK wants some. */
const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/**
 * A store with the driver settings each store's README recommends for production: clients that
 * give up on their own before the engine's `storeTimeout`, so an outage fails fast.
 */
export function openStore(config: StoreConfig): OpenedStore {
  switch (config.kind) {
    case 'memory':
      return { store: new MemoryStore({ maxEntries: 1_000_000 }), close: async () => {} };
    case 'redis': {
      // The README's settings for a client dedicated to the store.
      const client = new Redis({
        host: config.host,
        port: config.port,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        autoResendUnfulfilledCommands: false,
      });
      client.on('error', () => undefined); // reconnects on its own; failures reach the engine
      return {
        store: new RedisStore({ client, prefix: config.prefix, checkEvictionPolicy: false }),
        close: async () => client.disconnect(),
      };
    }
    case 'postgres': {
      const pool = new pg.Pool({
        connectionString: config.url,
        max: 8,
        connectionTimeoutMillis: 2000,
        statement_timeout: 2000,
      });
      pool.on('error', () => undefined); // an idle connection cut by an outage
      return {
        store: new PostgresStore({ pool, schema: config.schema }),
        close: () => pool.end(),
      };
    }
    case 'dynamodb': {
      // The README's createClient(): 3 attempts of at most 1 s each.
      const client = new DynamoDBClient({
        ...LOCAL_AWS,
        endpoint: config.endpoint,
        maxAttempts: 3,
        requestHandler: {
          connectionTimeout: 1000,
          requestTimeout: 1000,
          throwOnRequestTimeout: true,
        },
      });
      return {
        store: new DynamoDBStore({ client, tableName: config.tableName }),
        close: async () => client.destroy(),
      };
    }
  }
}
