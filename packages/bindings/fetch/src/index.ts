import {
  createHttpIdempotency,
  type HttpIdempotencyOptions,
  handleWebRequest,
  type RunContext,
} from '@oncely/core';

/** The options; `scope` and `fingerprint` get the `Request` itself as their second argument. */
export type FetchIdempotencyOptions = HttpIdempotencyOptions<Request>;

/**
 * A Web-standard handler: a Next.js route handler `(request, { params })`, `Bun.serve`'s
 * `fetch(request, server)`, `Deno.serve`'s handler, a Worker's `fetch(request, env, ctx)`.
 */
export type FetchHandler<Args extends unknown[] = []> = (
  request: Request,
  ...args: Args
) => Response | Promise<Response>;

// The attempt of a request that owns its key, for the handler to read; gone with the request.
const attempts = new WeakMap<Request, RunContext>();

/**
 * The attempt the handler runs under when its request owns an idempotency key: `fence` grows
 * with every acquisition of the key (pass it to systems you write to, so they can refuse a
 * stale writer) and `signal` fires when the attempt may have lost the key. `undefined` when the
 * handler runs without a key (method not covered, no key sent).
 */
export function idempotencyAttempt(request: Request): RunContext | undefined {
  return attempts.get(request);
}

/**
 * Wrap a fetch handler with idempotency keys: the first request with a key runs `handler`,
 * every retry gets its response back (`Idempotent-Replayed: true`), and the protocol's
 * refusals answer as RFC 9457 problems. Any further arguments reach `handler` unchanged.
 *
 * Wrapping an already wrapped handler again (an app-wide wrapper around a route's own) handles
 * each request once, with the inner wrapper's options. With `problems: "throw"`, a refusal is
 * thrown as an `OncelyError` (with `status`, `headers` and `problem`) for your own error
 * handling, as the handler's own errors are.
 */
export function withIdempotency<Args extends unknown[]>(
  handler: FetchHandler<Args>,
  options: FetchIdempotencyOptions,
): (request: Request, ...args: Args) => Promise<Response> {
  const http = createHttpIdempotency<Request>(options);
  return (request, ...args) =>
    handleWebRequest(http, { request, native: request, carrier: request }, async (attempt) => {
      if (attempt) attempts.set(request, attempt);
      return handler(request, ...args);
    });
}
