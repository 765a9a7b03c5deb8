import {
  createHttpIdempotency,
  type HttpIdempotencyOptions,
  type HttpResponse,
  toBuffer,
  withHeaderLines,
} from '@oncely/core';
import { setAttempt } from './attempt.js';
import { captureBody } from './capture.js';
import type { KoaContextLike } from './context.js';

/**
 * The options; `scope` and `fingerprint` get Koa's `ctx` as their second argument (with
 * `ctx.state.user` from koa-jwt or your own auth middleware mounted before this one).
 */
export type KoaIdempotencyOptions<Ctx extends KoaContextLike = KoaContextLike> =
  HttpIdempotencyOptions<Ctx>;

/** A Koa middleware (2 and 3). */
export type IdempotencyMiddleware = (
  ctx: KoaContextLike,
  next: () => Promise<unknown>,
) => Promise<void>;

/**
 * Idempotency keys for Koa. Mount it after the body parser (the body is part of the request
 * fingerprint) and the auth middleware (`scope` reads who is calling), before the routes it
 * protects. Koa sends the response after the middleware chain returns, so the result is stored
 * before the client sees it. Mounted on the app and again on a router or route, the inner one
 * handles the request: exactly one instance does.
 */
export function idempotency<Ctx extends KoaContextLike = KoaContextLike>(
  options: KoaIdempotencyOptions<Ctx>,
): IdempotencyMiddleware {
  const http = createHttpIdempotency(options);
  return async (ctx, next) => {
    // The rest of the chain, once started: an instance that steps aside for an inner one still
    // waits for it, or Koa would respond before the inner one is done.
    let chain: Promise<unknown> | undefined;
    let steppedAside = false;
    const decision = await http.handle(
      {
        method: ctx.method,
        path: ctx.path,
        query: ctx.querystring,
        headers: withHeaderLines(ctx.headers, ctx.req, http.settings.header),
        body: ctx.request.body,
      },
      async (attempt) => {
        setAttempt(ctx, attempt);
        chain = next();
        await chain;
        // Stepped aside: the inner instance owns ctx.body now; reading it again would race Koa.
        if (steppedAside) return new Promise<never>(() => {});
        return captureBody(ctx, http.settings.maxBodyBytes);
      },
      {
        native: ctx as Ctx,
        carrier: ctx,
        onStepAside: () => {
          steppedAside = true;
        },
        route: routePattern,
      },
    );
    if (decision.action === 'pass') await next();
    else if (decision.action === 'throw') throw decision.error;
    else if (decision.action === 'yielded') await chain;
    else if (decision.action === 'send')
      respond(ctx, decision.response, decision.source === 'live');
  };
}

/** The pattern @koa/router (and koa-router) matched: known once the router ran. */
function routePattern(ctx: KoaContextLike): string | undefined {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : undefined;
}

function respond(ctx: KoaContextLike, response: HttpResponse, live: boolean): void {
  // The live response is in ctx as the chain left it (a stream read for storing was put back
  // as bytes): Koa sends it its own way, filling in what it fills in when no body was set.
  if (live) return;
  // Body first: Koa then keeps an explicit status and drops the body of a 204/304.
  ctx.body = toBuffer(response.body);
  ctx.status = response.status;
  for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value);
}
