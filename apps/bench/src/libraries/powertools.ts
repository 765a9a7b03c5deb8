import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import { createClient } from '@redis/client';
import { createOrder, type Order, type OrderRequest } from './order.js';
import type { EngineSubject, StoreTarget } from './types.js';

/** What Powertools reads from a Lambda context: only the time left, for its in-progress lease. */
const STAND_IN_CONTEXT = {
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Parameters<IdempotencyConfig['registerLambdaContext']>[0];

export interface PowertoolsPayload {
  idempotencyKey: string;
  order: OrderRequest;
}

/**
 * `makeIdempotent(fn, { persistenceStore, config })` outside Lambda, on the cache (Redis)
 * persistence layer with a connected `@redis/client`, as its README and `CachePersistenceLayer`
 * docs show; the key is picked from the payload with `eventKeyJmesPath`; local cache off (its
 * default). Two deliberate choices, both in its favour:
 * - `registerLambdaContext` gets a stand-in context with 30 s left, the lease oncely uses by
 *   default. Without one Powertools logs a warning on every call and keeps no in-progress
 *   expiry, which would make it both slower and unsafe.
 * - No `payloadValidationJmesPath`: in 2.35.0 the cache layer drops the payload hash when it
 *   completes a record, so every replay with validation on fails with IdempotencyValidationError.
 *   Powertools therefore does no misuse (fingerprint) check here, which the others do.
 * Powertools has no in-memory persistence layer, so it runs on Redis only.
 */
export async function powertoolsFunction(
  target: StoreTarget,
  work: (order: OrderRequest) => Order = createOrder,
): Promise<{ run: (payload: PowertoolsPayload) => Promise<unknown>; close(): Promise<void> }> {
  if (target.kind !== 'redis') throw new Error('Powertools has no in-memory persistence layer');
  const client = await createClient({ url: target.redisUrl }).connect();
  const persistenceStore = new CachePersistenceLayer({ client });
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'idempotencyKey' });
  config.registerLambdaContext(STAND_IN_CONTEXT);
  const run = makeIdempotent(async (payload: PowertoolsPayload) => work(payload.order), {
    persistenceStore,
    keyPrefix: target.prefix,
    config,
  });
  return {
    run,
    close: async () => {
      await client.quit();
    },
  };
}

export async function powertoolsEngine(target: StoreTarget): Promise<EngineSubject> {
  const { run, close } = await powertoolsFunction(target);
  return { call: (key, order) => run({ idempotencyKey: key, order }), close };
}
