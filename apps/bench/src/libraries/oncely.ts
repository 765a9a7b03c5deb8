import { createIdempotency } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { RedisStore } from '@oncely/redis';
import { Redis } from 'ioredis';
import { createOrder } from './order.js';
import type { TelemetryMode } from './telemetry.js';
import type { EngineSubject, StoreTarget } from './types.js';

/**
 * Records the memory store may hold. Its default (10 000) is a production bound; here it is
 * raised so that, like the other libraries' unbounded maps, nothing is evicted mid-measurement.
 */
export const ONCELY_MEMORY_MAX_ENTRIES = 2_000_000;

export async function oncelyStore(target: StoreTarget) {
  if (target.kind === 'memory') {
    return {
      store: new MemoryStore({
        maxEntries: ONCELY_MEMORY_MAX_ENTRIES,
        maxInProgress: ONCELY_MEMORY_MAX_ENTRIES,
      }),
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
    close,
  };
}
