import {
  type CapturedResponse,
  createHttpIdempotency,
  type HttpIdempotency,
  type HttpIdempotencyOptions,
  InvalidArgumentError,
  type RunContext,
} from '@oncely/core';
import type {
  FastifyPluginCallback,
  FastifyRequest,
  RawServerBase,
  RouteGenericInterface,
} from 'fastify';
import fp from 'fastify-plugin';
import { handOver, type Pending, sendNow } from './hand-over.js';
import { toHttpRequest } from './request.js';
import { claimRoute, type RouteSetting, routeHandler } from './routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false` turns oncely off for this route; `true` turns it on when `routes` is `"opt-in"`;
     * an options object turns it on with these options over the plugin's (e.g. `{ lease: "2m" }`).
     */
    idempotency?: RouteSetting | undefined;
  }
}

/** The options; `scope` and `fingerprint` get Fastify's `request` (with `request.user`). */
export interface FastifyIdempotencyOptions extends HttpIdempotencyOptions<FastifyRequest> {
  /**
   * `"all"` (default): every route, except those with `config: { idempotency: false }`.
   * `"opt-in"`: only routes with `config: { idempotency: true }`.
   */
  routes?: 'all' | 'opt-in' | undefined;
}

// Per-request state lives in symbol slots (the attempt on the request, the rest on the raw
// response), so it goes when they go and the close listener below can find it via `this`.
const kPending = Symbol('oncely.pending');
const kAttempt = Symbol('oncely.attempt');
/** Set by the registration that handles a request no onRoute hook saw (the 404 route). */
const kClaimed = Symbol.for('oncely.fastify.claimed');
type Slots = { [kPending]?: Pending; [kAttempt]?: RunContext; [kClaimed]?: true };

/**
 * The attempt a route handler runs under, when its request owns an idempotency key: `fence`
 * grows with every acquisition of the key (pass it to systems you write to, so they can refuse
 * a stale writer) and `signal` fires when the attempt may have lost the key. `undefined` when
 * the handler runs without a key (route or method not covered, no key sent).
 */
export function idempotencyAttempt(request: AnyFastifyRequest): RunContext | undefined {
  return (request as AnyFastifyRequest & Slots)[kAttempt];
}

/** A request of any Fastify server: HTTP/1, HTTPS or HTTP/2 (`Fastify({ http2: true })`). */
type AnyFastifyRequest = FastifyRequest<RouteGenericInterface, RawServerBase>;

/**
 * A client that disconnects does not cancel the operation: onSend still hands over what the
 * handler sent, and it is stored for the retry (releasing the key here would let the retry run
 * the handler a second time while it still runs). Only a hijacked reply never reaches onSend:
 * there is nothing to store, so the key is released when it closes. One shared listener, with
 * the request's state in a slot of the raw response, so no closure is made per request.
 */
function onRawClose(this: Slots): void {
  const pending = this[kPending];
  if (pending && !pending.captured && pending.reply.sent) {
    pending.reject(new Error('The reply was hijacked; nothing to store.'));
  }
}

/** The matched route's pattern; read only when an event is built (routeOptions is a fresh object each time). */
function routePattern(request: FastifyRequest): string | undefined {
  return request.routeOptions?.url ?? (request as { routerPath?: string }).routerPath;
}

/**
 * Whether Fastify logs at all: without `logger` in its options, `request.log` is a stand-in
 * whose methods do nothing and which has no `level`; giving it to oncely would build every
 * event for nothing. A route's `logLevel` is on its request's child logger.
 */
function isLogging(log: FastifyRequest['log']): boolean {
  const level = (log as { level?: unknown }).level;
  return typeof level === 'string' && level !== 'silent';
}

const plugin: FastifyPluginCallback<FastifyIdempotencyOptions> = (fastify, options, done) => {
  const routes = options.routes ?? 'all';
  const self = {};
  let shared: HttpIdempotency<FastifyRequest>;
  try {
    if (routes !== 'all' && routes !== 'opt-in') {
      throw new InvalidArgumentError('routes', 'expected "all" or "opt-in"');
    }
    shared = createHttpIdempotency(options);
  } catch (error) {
    done(error as Error);
    return;
  }
  fastify.addHook('onRoute', (route) => claimRoute(route, self, options, shared, routes === 'all'));

  // preHandler: the body is parsed, the handler has not run. The downstream callback lets the
  // handler run (next()) and waits for onSend to hand over what it sent.
  fastify.addHook('preHandler', (request, reply, next) => {
    const route = routeHandler(request);
    const slots = request as FastifyRequest & Slots;
    let http: HttpIdempotency<FastifyRequest> | undefined;
    if (route) http = route.owner === self ? route.http : undefined;
    else if (routes === 'all' && !slots[kClaimed]) http = shared;
    if (!http) return next();
    slots[kClaimed] = true;
    const { settings } = http;
    let entered = false;
    const downstream = (attempt: RunContext) => {
      entered = true;
      slots[kAttempt] = attempt;
      return new Promise<CapturedResponse>((resolve, reject) => {
        const pending: Pending = { decision, resolve, reject, captured: false, reply, settings };
        (reply.raw as unknown as Slots)[kPending] = pending;
        reply.raw.on('close', onRawClose);
        next();
      });
    };
    const decision = http.handle(toHttpRequest(request, settings.header), downstream, {
      native: request,
      route: routePattern,
      requestId: request.id,
      defaultLogger: isLogging(request.log) ? request.log : undefined,
    });
    decision.then(
      (outcome) => {
        if (entered) return; // onSend sends it
        if (outcome.action === 'send') sendNow(reply, outcome.response);
        else if (outcome.action === 'throw') {
          reply.headers(outcome.error.headers);
          next(outcome.error);
        } else next();
      },
      (error: unknown) => {
        if (!entered) next(error as Error);
      },
    );
  });

  // A callback hook, not an async one: every response passes here, most with nothing to do.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const pending = (reply.raw as unknown as Slots)[kPending];
    if (!pending || pending.captured) return done(null, payload);
    pending.captured = true;
    handOver(pending, request, reply, payload).then(
      (sent) => done(null, sent),
      (error: Error) => done(error),
    );
  });

  done();
};

/** Idempotency keys for Fastify 4 and 5: register it before the routes it protects. */
export const idempotency = fp(plugin, { name: '@oncely/fastify', fastify: '4.x || 5.x' });
