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

export type KoaIdempotencyOptions = HttpIdempotencyOptions;

/** A Koa middleware (2 and 3). */
export type IdempotencyMiddleware = (
  ctx: KoaContextLike,
  next: () => Promise<unknown>,
) => Promise<void>;

/**
 * Idempotency keys for Koa. Mount it after the body parser (the body is part of the request
 * fingerprint) and before the routes it protects. Koa sends the response after the middleware
 * chain returns, so the result is stored before the client sees it.
 */
export function idempotency(options: KoaIdempotencyOptions): IdempotencyMiddleware {
  const http = createHttpIdempotency(options);
  return async (ctx, next) => {
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
        await next();
        return captureBody(ctx, http.settings.maxBodyBytes);
      },
    );
    if (decision.action === 'pass') await next();
    else if (decision.action === 'send')
      respond(ctx, decision.response, decision.source === 'live');
  };
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
