import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { RunContext } from '@oncely/core';
import type { IdempotentSetting } from './options.js';

export const IDEMPOTENT = 'oncely:idempotent';

/**
 * On a handler or a controller: idempotency keys for it. `@Idempotent({ lease: '2m' })` sets
 * options over the module's; `@Idempotent(false)` leaves it out when `routes` is `"all"`. A
 * handler's setting replaces its controller's.
 */
export const Idempotent = (setting: IdempotentSetting = true) => SetMetadata(IDEMPOTENT, setting);

const attempts = new WeakMap<object, RunContext>();

export function setAttempt(request: object, attempt: RunContext): void {
  attempts.set(request, attempt);
}

/**
 * The attempt a handler runs under, when its request owns an idempotency key: `fence` grows
 * with every acquisition of the key (pass it to systems you write to, so they can refuse a
 * stale writer) and `signal` fires when the attempt may have lost the key. `undefined` when the
 * handler runs without a key (not covered, method not covered, no key sent).
 */
export function idempotencyAttempt(request: object): RunContext | undefined {
  return attempts.get(request);
}

/** A handler parameter: `@IdempotencyAttempt() attempt: RunContext | undefined`. */
export const IdempotencyAttempt = createParamDecorator((_: unknown, context: ExecutionContext) =>
  idempotencyAttempt(context.switchToHttp().getRequest()),
);
