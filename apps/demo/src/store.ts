import type { Store } from '@oncely/core';

export const STORE_NAMES = ['memory', 'redis', 'postgres', 'dynamodb'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

export interface OpenedStore {
  store: Store;
  /** How the report names it, e.g. `redis (redis://127.0.0.1:6379)`. */
  label: string;
  /** Closes the driver client the demo opened for the store. */
  close(): Promise<void>;
}

export function storeName(value: string | undefined): StoreName {
  const name = value ?? 'memory';
  if (!(STORE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown store "${name}": expected one of ${STORE_NAMES.join(', ')}.`);
  }
  return name as StoreName;
}

/**
 * The store the API runs on, chosen by `ONCELY_STORE` with its connection settings from the
 * environment. Drivers are imported only for the store in use, so the memory mode loads none.
 */
export async function openStore(env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  const name = storeName(env.ONCELY_STORE);
  if (name === 'memory') {
    const { MemoryStore } = await import('@oncely/memory');
    return { store: new MemoryStore(), label: 'memory', close: async () => {} };
  }
  if (name === 'redis') {
    const [{ RedisStore }, { Redis }] = await Promise.all([
      import('@oncely/redis'),
      import('ioredis'),
    ]);
    const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    // A client dedicated to the store: fail fast instead of queueing while Redis is away.
    const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // ioredis emits 'error' for every failed reconnect: log the first of an outage only.
    let redisDown = false;
    client.on('error', (error) => {
      if (!redisDown) console.warn(`demo: Redis unreachable (${error.message}), reconnecting`);
      redisDown = true;
    });
    client.on('ready', () => {
      redisDown = false;
    });
    const prefix = env.ONCELY_REDIS_PREFIX ?? 'oncely-demo:';
    return {
      store: new RedisStore({ client, prefix }),
      label: `redis (${url}, prefix ${prefix})`,
      close: async () => {
        await client.quit();
      },
    };
  }
  if (name === 'postgres') {
    const [{ PostgresStore }, { default: pg }] = await Promise.all([
      import('@oncely/postgres'),
      import('pg'),
    ]);
    const url = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2_000 });
    // The server may end an idle connection (restart, failover): unheard, that ends the process.
    pool.on('error', (error) =>
      console.warn(`demo: idle PostgreSQL connection failed: ${error.message}`),
    );
    const schema = env.ONCELY_PG_SCHEMA ?? 'oncely_demo';
    const store = new PostgresStore({ pool, schema });
    await store.migrate(); // idempotent; every API process runs it at start-up
    return {
      store,
      label: `postgres (${redactPassword(url)}, schema ${schema})`,
      close: () => pool.end(),
    };
  }
  const [{ DynamoDBStore }, { DynamoDBClient }] = await Promise.all([
    import('@oncely/dynamodb'),
    import('@aws-sdk/client-dynamodb'),
  ]);
  const endpoint = env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient({
    region: env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    // DynamoDB Local accepts any credentials; real AWS takes them from the usual chain.
    ...(endpoint && !env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: 1_000,
      requestTimeout: 1_000,
      throwOnRequestTimeout: true,
    },
  });
  const tableName = env.ONCELY_DYNAMODB_TABLE ?? 'oncely-demo';
  const store = new DynamoDBStore({ client, tableName });
  await store.createTable(); // idempotent; waits until the table is active
  return {
    store,
    label: `dynamodb (${endpoint ?? 'AWS'}, table ${tableName})`,
    close: async () => client.destroy(),
  };
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
