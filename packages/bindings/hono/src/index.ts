import {
  createHttpIdempotency,
  type HttpIdempotencyOptions,
  handleWebRequest,
  type RunContext,
  requestBytes,
} from '@oncely/core';
import type { Context, MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The attempt the handler runs under when its request owns an idempotency key (`fence`,
     * `signal`); unset when it runs without one. Set by `@oncely/hono`'s middleware.
     */
    idempotency?: RunContext;
  }
}

/** The options; `scope` and `fingerprint` get Hono's `Context` (`c.get('jwtPayload')`). */
export type HonoIdempotencyOptions = HttpIdempotencyOptions<Context>;

/**
 * The attempt a handler runs under when its request owns an idempotency key: `fence` grows with
 * every acquisition of the key (pass it to systems you write to, so they can refuse a stale
 * writer) and `signal` fires when the attempt may have lost the key. The same as
 * `c.get('idempotency')`; `undefined` when the handler runs without a key.
 */
export function idempotencyAttempt(c: Context): RunContext | undefined {
  return c.get('idempotency');
}

/** The body's bytes, leaving it readable to the handler: Hono's cache once Hono read it. */
async function readBody(c: Context): Promise<Uint8Array> {
  if (!c.req.raw.bodyUsed) return requestBytes(c.req.raw);
  return new Uint8Array(await c.req.arrayBuffer());
}

/**
 * Hono's not-found answer: only wildcard middleware (`app.use`) matched the path. A catch-all
 * route (`app.all('*')`) that answers 404 counts too, so its 404 is released, not stored.
 */
function unmatchedRoute(c: Context, response: Response): boolean {
  if (response.status !== 404) return false;
  // `matchedRoutes` is Hono 4's own list of what matched (the `hono/route` helper reads it).
  const routes = (c.req as { matchedRoutes?: { method: string; path: string }[] }).matchedRoutes;
  return (routes ?? []).every((route) => route.method === 'ALL' && route.path.endsWith('*'));
}

/**
 * The pattern of the route that answered (`/orders/:id`), for events and logs: the last route
 * Hono matched that is not wildcard middleware. Read once the handler ran.
 */
function routePattern(c: Context): string | undefined {
  const routes = (c.req as { matchedRoutes?: { method: string; path: string }[] }).matchedRoutes;
  for (let i = (routes?.length ?? 0) - 1; i >= 0; i--) {
    const route = routes?.[i];
    if (route && !(route.method === 'ALL' && route.path.endsWith('*'))) return route.path;
  }
  return undefined;
}

/** Hono's `requestId()` middleware's id, when the app mounts it before this one. */
function requestIdOf(c: Context): string | undefined {
  const id: unknown = (c.get as (key: string) => unknown)('requestId');
  return typeof id === 'string' ? id : undefined;
}

/**
 * Idempotency keys for Hono 4: `app.use(idempotency({ store }))` for every route, and again on
 * a route (`app.post('/orders', idempotency({ lease: '2m' }), handler)`) for that route's own
 * options: each request is handled once, by the innermost. Mount auth before it so `scope` can
 * read the principal from the context. With `problems: "throw"`, a refusal is thrown as an
 * `OncelyError` (with `status`, `headers` and `problem`) to `app.onError`.
 */
export function idempotency(options: HonoIdempotencyOptions): MiddlewareHandler {
  const http = createHttpIdempotency<Context>(options);
  return async (c, next) => {
    const response = await handleWebRequest(
      http,
      {
        request: c.req.raw,
        readBody: () => readBody(c),
        native: c,
        carrier: c,
        unmatchedRoute: (sent) => unmatchedRoute(c, sent),
        route: routePattern,
        requestId: requestIdOf(c),
      },
      async (attempt) => {
        if (attempt) c.set('idempotency', attempt);
        await next();
        return c.res;
      },
    );
    if (response !== c.res) c.res = response;
  };
}
