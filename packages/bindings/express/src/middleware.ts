import type { ServerResponse } from 'node:http';
import {
  createHttpIdempotency,
  fromNodeRequest,
  type HttpIdempotencyOptions,
  handleNodeRequest,
  nodeRoutePattern,
} from '@oncely/core';
import type { Request } from 'express';
import { setAttempt } from './attempt.js';
import type { ExpressRequestLike } from './request.js';

/**
 * The options; `scope` and `fingerprint` get Express's `req` as their second argument (with
 * `req.user` from passport or your own auth middleware mounted before this one).
 */
export type ExpressIdempotencyOptions<Req = Request> = HttpIdempotencyOptions<Req>;

/** An Express middleware (4 and 5): `(req, res, next) => void`. */
export type IdempotencyMiddleware = (
  req: ExpressRequestLike,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Idempotency keys for Express. Mount it after the body parsers (the body is part of the
 * request fingerprint) and the auth middleware (`scope` reads who is calling), before the
 * routes it protects. Mounted on the app and again on a route, the route's one handles the
 * route's requests: exactly one instance handles a request.
 */
export function idempotency<Req = Request>(
  options: ExpressIdempotencyOptions<Req>,
): IdempotencyMiddleware {
  const http = createHttpIdempotency(options);
  return (req, res, next) => {
    handleNodeRequest(http, {
      request: fromNodeRequest(req, http.settings.header),
      response: res,
      native: req as unknown as Req,
      carrier: req,
      // Express sets `req.route` while it dispatches a route, so an instance mounted on the
      // app knows it only once the handler ran (a replay or a conflict there has none).
      route: nodeRoutePattern as (native: Req) => string | undefined,
      proceed: (attempt) => {
        if (attempt) setAttempt(req, attempt);
        next();
      },
      // Problems (with `problems: "throw"`) and errors before the chain ran (e.g. from a
      // `scope` function) go to Express's error handlers.
      fail: next,
      unmatchedRoute: () => isUnmatched(req, res),
    });
  };
}

/**
 * Express's final handler answered: a 404 that no route produced (a route's dispatch sets
 * `req.route`, and nothing resets it).
 */
function isUnmatched(req: ExpressRequestLike, res: ServerResponse): boolean {
  return res.statusCode === 404 && (req as { route?: unknown }).route === undefined;
}
