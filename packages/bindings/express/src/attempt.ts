import type { RunContext } from '@oncely/core';

const attempts = new WeakMap<object, RunContext>();

export function setAttempt(req: object, attempt: RunContext): void {
  attempts.set(req, attempt);
}

/**
 * The attempt a route handler runs under, when its request owns an idempotency key: `fence`
 * grows with every acquisition of the key (pass it to systems you write to, so they can refuse
 * a stale writer) and `signal` fires when the attempt may have lost the key. `undefined` when
 * the handler runs without a key (method not covered, no key sent).
 */
export function idempotencyAttempt(req: object): RunContext | undefined {
  return attempts.get(req);
}
