import { createOrder } from './order.js';
import type { EngineSubject } from './types.js';

/** The bare operation with no idempotency at all: the reference every ratio is taken against. */
export function baselineEngine(): EngineSubject {
  return {
    call: async (_key, request) => createOrder(request),
    close: async () => {},
  };
}
