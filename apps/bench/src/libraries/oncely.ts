import { createIdempotency, namespacedKey } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { RedisStore } from '@oncely/redis';
import { Redis } from 'ioredis';
import { createOrder } from './order.js';
import type { TelemetryMode } from './telemetry.js';
import type { EngineSubject, StoreTarget } from './types.js';

/**
 * The memory store's bounds. Its defaults (10 000 records, 64 MiB) are production bounds; here
 * they are raised so that, like the other libraries' unbounded maps, nothing is evicted
 * mid-measurement: with 64 MiB the store held ~120 000 records, so the scale scenario's "1e6"
 * step measured evictions and re-executions instead of a million records.
 */
export const ONCELY_MEMORY_BOUNDS = {
  maxEntries: 2_000_000,
  maxInProgress: 2_000_000,
  maxBytes: 2 ** 33,
} as const;

export async function oncelyStore(target: StoreTarget) {
  if (target.kind === 'memory') {
    return {
      store: new MemoryStore(ONCELY_MEMORY_BOUNDS),
      close: async () => {},
    };
  }
  // As the @oncely/redis README shows: your ioredis client, the store's own prefix option.
  const client = new Redis(target.redisUrl ?? 'redis://127.0.0.1:6379');
  return {
    store: new RedisStore({ client, prefix: `${target.prefix}:` }),
    close: async () => {
      await client.quit();
    },
  };
}

/** `createIdempotency` + `run`, as the core README shows: key, the request as fingerprint. */
export async function oncelyEngine(
  target: StoreTarget,
  telemetry?: TelemetryMode,
): Promise<EngineSubject> {
  const { store, close } = await oncelyStore(target);
  // The OpenTelemetry SDK is loaded only by the variants that use it.
  const onEvent = telemetry
    ? (await import('./telemetry.js')).telemetryListener(telemetry)
    : undefined;
  const idempotency = createIdempotency({ store, ...(onEvent ? { onEvent } : {}) });
  return {
    call: async (key, request) => {
      const outcome = await idempotency.run({ key, request }, () => createOrder(request));
      return outcome.value;
    },
    // The engine's default prefix and no scope, as `run` above names the record; a name that
    // missed would leave the store growing, so it is checked (the caller does not time this).
    forget: async (key) => {
      const name = namespacedKey('oncely:', '', key);
      if (!(await store.get(name))) throw new Error(`oncely's store holds no record ${name}`);
      await store.delete(name);
    },
    close,
  };
}
