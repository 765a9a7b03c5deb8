import type { ServerResponse } from 'node:http';
import type { RunContext } from '../engine.js';
import type { OncelyError } from '../errors.js';
import type { HandleContext, HttpIdempotency } from './http-idempotency.js';
import { ResponseHold, writeResponse } from './node-response-hold.js';
import type { HttpRequest, HttpResponse, ProblemDetails } from './types.js';

/** One request of a binding whose handlers write Node's `http.ServerResponse`. */
export interface NodeExchange<Native> extends Omit<HandleContext<Native>, 'onStepAside'> {
  request: HttpRequest;
  /** Where the handler's response is written: held while this request owns the key. */
  response: ServerResponse;
  /** Runs the rest of the chain: under `attempt` when this request owns the key. */
  proceed: (attempt: RunContext | undefined) => void;
  /**
   * A replay or a problem decided before anything ran. Default: written on `response` over
   * the headers already set (CORS).
   */
  send?: ((response: HttpResponse) => void) | undefined;
  /** With `problems: "throw"`, the problem for the framework's error handling (default `fail`). */
  problem?: ((error: OncelyError & ProblemDetails) => void) | undefined;
  /** An error before anything ran (a `scope` function that threw), for the framework to handle. */
  fail: (error: unknown) => void;
  /** Whether what was sent is the framework's answer to a request no route matched. */
  unmatchedRoute?: (() => boolean) | undefined;
}

const NEVER = () => false;

/**
 * The whole protocol for one request on Node's response, for Express, Nest and the like: the
 * handler runs only when this request owns the key, what it writes is held until it is stored
 * (a body past `maxBodyBytes` streams on), and everything else goes where `exchange` says.
 */
export function handleNodeRequest<Native>(
  http: HttpIdempotency<Native>,
  exchange: NodeExchange<Native>,
): void {
  // Made only when this request owns the key: a replay, a problem or a pass-through never
  // touches the response's methods.
  let hold: ResponseHold | undefined;
  // Taken apart here so that the closures below hold only what they call, never `exchange`
  // itself: holding it kept the request (its headers and body) reachable from Express's
  // promoted `req` graph, and over Express + memory every first execution promoted about 6 KB
  // more (21 KB against 15 per request, `--trace-gc-nvp`).
  const { request, response, proceed, send, problem, fail, unmatchedRoute } = exchange;
  const { native, carrier, route, requestId, defaultLogger } = exchange;
  http
    .handle(
      request,
      (attempt) => {
        hold = new ResponseHold(response, http.settings.maxBodyBytes, unmatchedRoute ?? NEVER);
        return hold.capture(() => proceed(attempt));
      },
      { native, carrier, route, requestId, defaultLogger, onStepAside: () => hold?.restore() },
    )
    .then(
      (decision) => {
        if (decision.action === 'pass') proceed(undefined);
        else if (decision.action === 'throw') (problem ?? fail)(decision.error);
        else if (decision.action === 'send') {
          if (hold) hold.deliver(decision.response, decision.source === 'live');
          else if (send) send(decision.response);
          else writeResponse(response, decision.response);
        }
        // "done" and "yielded": the response is on its way, or an inner instance's to send.
      },
      (error: unknown) => {
        // After the handler ran the connection is gone and there is no one to tell.
        if (hold) hold.restore();
        else fail(error);
      },
    );
}
