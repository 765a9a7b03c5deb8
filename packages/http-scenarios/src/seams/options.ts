import type { HttpIdempotencyOptions } from '@oncely/core';

/**
 * How a scenario server is wired into the rest of an app: the places where oncely meets auth,
 * routing and error handling. Every target must honour each field.
 */
export interface SeamOptions {
  /**
   * Mount the framework's real auth middleware, verifying `signToken` tokens (Express:
   * passport + passport-http-bearer; Fastify: @fastify/jwt; Koa: koa-jwt). `"app"`: before the
   * binding, for every request. `"route"`: on the `/r/:name` route only, after the binding (a
   * route-level Express middleware, a route `preHandler`, a router-level Koa middleware).
   */
  auth?: 'app' | 'route';
  /**
   * Set `scope` to the authenticated principal's `sub`, read from the framework's own request:
   * Express `req.user`, Fastify `request.user`, Koa `ctx.state.user`.
   */
  scopeByUser?: boolean;
  /**
   * Register the binding a second time for the `/r/:name` route with these options over the
   * app-level ones: Express `app.all(path, idempotency(...), handler)`, a Fastify child
   * context that registers the plugin again, a Koa router-level middleware.
   */
  routeLevel?: Partial<HttpIdempotencyOptions>;
  /**
   * Install the app's own error handling (Express error middleware, Fastify `setErrorHandler`,
   * a Koa try/catch middleware in front): it answers every error as JSON
   * `{ appError: error.code, type: error.problem?.type }` with `x-app-error: 1`, the error's
   * `status` and its `headers`.
   */
  appErrorHandler?: boolean;
}
