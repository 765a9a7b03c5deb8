import type { ServerResponse } from 'node:http';
import { createHttpIdempotency, type HttpIdempotencyOptions } from '@oncely/core';
import { setAttempt } from './attempt.js';
import { type ExpressRequestLike, toHttpRequest } from './request.js';
import { ResponseHold, writeResponse } from './response-hold.js';

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
    // Made only when this request owns the key: a replay, a problem or a pass-through never
    // touches the response's methods.
    let hold: ResponseHold | undefined;
    http
      .handle(toHttpRequest(req, http.settings.header), (attempt) => {
        setAttempt(req, attempt);
        hold = new ResponseHold(res, http.settings.maxBodyBytes);
        return hold.capture(() => next());
      })
      .then(
        (decision) => {
          if (decision.action === 'pass') next();
          else if (decision.action === 'send') {
            if (hold) hold.deliver(decision.response, decision.source === 'live');
            else writeResponse(res, decision.response);
          }
        },
        (error: unknown) => {
          // Before the chain ran, an error (e.g. from a `scope` function) goes to Express's
          // error handlers; after it, the connection is gone and there is no one to tell.
          if (hold) hold.restore();
          else next(error);
        },
      );
  };
}
