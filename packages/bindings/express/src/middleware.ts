import type { ServerResponse } from 'node:http';
import { createHttpIdempotency, type HttpIdempotencyOptions } from '@oncely/core';
import { setAttempt } from './attempt.js';
import { type ExpressRequestLike, toHttpRequest } from './request.js';
import { ResponseHold } from './response-hold.js';

export type ExpressIdempotencyOptions = HttpIdempotencyOptions;

/** An Express middleware (4 and 5): `(req, res, next) => void`. */
export type IdempotencyMiddleware = (
  req: ExpressRequestLike,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Idempotency keys for Express. Mount it after the body parsers (the body is part of the
 * request fingerprint) and before the routes it protects.
 */
export function idempotency(options: ExpressIdempotencyOptions): IdempotencyMiddleware {
  const http = createHttpIdempotency(options);
  return (req, res, next) => {
    const hold = new ResponseHold(res, http.settings.maxBodyBytes);
    let entered = false;
    http
      .handle(toHttpRequest(req, http.settings.header), (attempt) => {
        entered = true;
        setAttempt(req, attempt);
        return hold.capture(() => next());
      })
      .then(
        (decision) => {
          if (decision.action === 'pass') next();
          else if (decision.action === 'send') hold.deliver(decision.response);
        },
        (error: unknown) => {
          hold.restore();
          // Before the chain ran, an error (e.g. from a `scope` function) goes to Express's
          // error handlers; after it, the connection is gone and there is no one to tell.
          if (!entered) next(error);
        },
      );
  };
}
