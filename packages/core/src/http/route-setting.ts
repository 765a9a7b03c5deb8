import { InvalidArgumentError } from '../errors.js';
import { createHttpIdempotency, type HttpIdempotency } from './http-idempotency.js';
import type { HttpIdempotencyOptions } from './options.js';

/** Which routes a registration covers: `"all"` but those turned off, or only those turned on. */
export type RouteCoverage = 'all' | 'opt-in';

/** A route's own setting: `false` off, `true` on, options over the registration's (on). */
export type RouteSetting<Native> = boolean | Partial<HttpIdempotencyOptions<Native>>;

/** The `routes` option of a binding that takes per-route settings, checked at start-up. */
export function resolveRouteCoverage(value: unknown, fallback: RouteCoverage): RouteCoverage {
  if (value === undefined) return fallback;
  if (value !== 'all' && value !== 'opt-in') {
    throw new InvalidArgumentError('routes', 'expected "all" or "opt-in"');
  }
  return value;
}

/** Instances made for an options setting, by the shared one they were made over. */
const made = new WeakMap<object, WeakMap<object, HttpIdempotency<unknown>>>();

/**
 * The instance that handles a route, from the route's own setting (`field` names it in the
 * error a bad one gets): none, the registration's `shared` one, or one with the route's options
 * over the registration's `base` options, made once per setting object: a binding that reads
 * the setting on each request (Nest's metadata) gets the same instance every time.
 */
export function routeInstance<Native>(
  setting: unknown,
  coverage: RouteCoverage,
  base: HttpIdempotencyOptions<Native>,
  shared: HttpIdempotency<Native>,
  field: string,
): HttpIdempotency<Native> | undefined {
  if (setting === undefined) return coverage === 'all' ? shared : undefined;
  if (typeof setting === 'boolean') return setting ? shared : undefined;
  if (typeof setting === 'object' && setting !== null) {
    const bySetting = made.get(shared) ?? new WeakMap<object, HttpIdempotency<unknown>>();
    made.set(shared, bySetting);
    const http = (bySetting.get(setting) ??
      createHttpIdempotency<Native>({ ...base, ...setting })) as HttpIdempotency<Native>;
    bySetting.set(setting, http as HttpIdempotency<unknown>);
    return http;
  }
  throw new InvalidArgumentError(field, 'expected a boolean or an options object');
}
