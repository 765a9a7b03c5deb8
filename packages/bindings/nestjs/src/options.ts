import type { HttpIdempotencyOptions, RouteCoverage, RouteSetting } from '@oncely/core';

/**
 * Nest's own request: Express's `req` on @nestjs/platform-express, Fastify's `request` on
 * @nestjs/platform-fastify, with what your guards put on it (`request.user`).
 */
// biome-ignore lint/suspicious/noExplicitAny: a request of either platform, as the user types it
export type NestRequest = any;

/** The module's options; `scope` and `fingerprint` get Nest's request (after the guards ran). */
export interface NestIdempotencyOptions extends HttpIdempotencyOptions<NestRequest> {
  /**
   * `"opt-in"` (default): only handlers (or controllers) marked `@Idempotent()`.
   * `"all"`: every handler, except those marked `@Idempotent(false)`.
   */
  routes?: RouteCoverage | undefined;
}

/** What `@Idempotent()` takes: `false` turns a handler off, options override the module's. */
export type IdempotentSetting = RouteSetting<NestRequest>;

/** The injection token of the module's options. */
export const ONCELY_OPTIONS = Symbol.for('oncely.nestjs.options');
