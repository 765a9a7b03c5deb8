import { Redis } from 'ioredis';
import pg from 'pg';
import { POSTGRES_URL, REDIS } from './backends.js';

/** Resolves when the shared Redis answers a PING; rejects with why not. */
export async function pingRedis(): Promise<void> {
  const client = new Redis({
    ...REDIS,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/** Resolves when the shared PostgreSQL accepts a connection; rejects with why not. */
export async function connectPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  await client.end();
}
