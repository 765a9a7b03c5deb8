import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { createIdempotency, type Idempotency } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';

/**
 * A client that gives up before the engine's store timeout (5 s by default): at most 3
 * attempts of at most 1 s each, plus the SDK's backoff between them, about 4 s at worst.
 * An unreachable or throttled table then fails fast with StoreUnavailableError (HTTP 503).
 * `throwOnRequestTimeout` matters: without it the SDK only logs a warning when a request
 * exceeds `requestTimeout`, and keeps waiting.
 */
export function createClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: 1_000,
      requestTimeout: 1_000,
      throwOnRequestTimeout: true,
    },
    ...config,
  });
}

export async function createPayments(
  client: DynamoDBClient,
  tableName = 'oncely',
): Promise<Idempotency> {
  const store = new DynamoDBStore({ client, tableName });
  await store.createTable(); // once at boot, or define the table as code (see below)
  return createIdempotency({ store, ttl: '24h', lease: '30s' });
}

export async function charge(payments: Idempotency, key: string, body: { amount: number }) {
  // The first call with `key` runs the handler; retries get its result back.
  return payments.run({ key, request: body }, async ({ fence }) => ({
    id: `ch_${fence}`,
    amount: body.amount,
  }));
}
