import {
  createHttpIdempotency,
  type HttpIdempotency,
  type HttpIdempotencyOptions,
  InvalidArgumentError,
} from '@oncely/core';
import type { FastifyRequest, RouteOptions } from 'fastify';

/** What a route's `config.idempotency` may be. */
export type RouteSetting = boolean | Partial<HttpIdempotencyOptions<FastifyRequest>>;

/** The instance that handles a route: which registration made it (`owner`), with what options. */
export interface RouteHandler {
  owner: object;
  http: HttpIdempotency<FastifyRequest> | undefined;
}

const kHandler = Symbol.for('oncely.fastify.route-handler');
type Config = { idempotency?: RouteSetting | undefined; [kHandler]?: RouteHandler };

/**
 * The onRoute step of one registration: it names itself the route's handler, with the route's
 * own options over its own. Fastify runs a parent's onRoute hooks before a child context's, so
 * a route declared in a child context that registers the plugin again ends up with the child's
 * registration: exactly one handles it.
 */
export function claimRoute(
  route: RouteOptions,
  owner: object,
  base: HttpIdempotencyOptions<FastifyRequest>,
  shared: HttpIdempotency<FastifyRequest>,
  all: boolean,
): void {
  const config = (route.config ?? {}) as Config;
  const setting = config.idempotency;
  let http: HttpIdempotency<FastifyRequest> | undefined;
  if (setting === undefined) http = all ? shared : undefined;
  else if (typeof setting === 'boolean') http = setting ? shared : undefined;
  else if (typeof setting === 'object' && setting !== null) {
    http = createHttpIdempotency({ ...base, ...setting });
  } else {
    throw new InvalidArgumentError('config.idempotency', 'expected a boolean or an options object');
  }
  // A copy: one config object may be shared by several routes.
  route.config = { ...config, [kHandler]: { owner, http } } as NonNullable<RouteOptions['config']>;
}

/** The handler a route was given, or `undefined` for one no registration saw (the 404 route). */
export function routeHandler(request: FastifyRequest): RouteHandler | undefined {
  // Fastify 5 and late 4.x: routeOptions.config; early 4.x: routeConfig.
  const legacy = request as unknown as { routeConfig?: Config };
  return ((request.routeOptions?.config ?? legacy.routeConfig) as Config | undefined)?.[kHandler];
}
