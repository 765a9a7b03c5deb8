import {
  type CapturedResponse,
  createHttpIdempotency,
  type HttpDecision,
  type HttpHeaders,
  type HttpIdempotency,
  type HttpIdempotencyOptions,
  type HttpResponse,
  InvalidArgumentError,
  type RunContext,
  toBuffer,
} from '@oncely/core';
import type {
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  RawServerBase,
  RouteGenericInterface,
} from 'fastify';
import fp from 'fastify-plugin';
import { capturePayload } from './payload.js';
import { toHttpRequest } from './request.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` turns oncely off for this route; `true` turns it on when `routes` is `"opt-in"`. */
    idempotency?: boolean | undefined;
  }
}

export interface FastifyIdempotencyOptions extends HttpIdempotencyOptions {
  /**
   * `"all"` (default): every route, except those with `config: { idempotency: false }`.
   * `"opt-in"`: only routes with `config: { idempotency: true }`.
   */
  routes?: 'all' | 'opt-in' | undefined;
}

interface Pending {
  decision: Promise<HttpDecision>;
  resolve: (response: CapturedResponse) => void;
  reject: (error: Error) => void;
  captured: boolean;
  reply: FastifyReply;
}

// Per-request state lives in symbol slots (the attempt on the request, the rest on the raw
// response), so it goes when they go and the close listener below can find it via `this`.
const kPending = Symbol('oncely.pending');
const kAttempt = Symbol('oncely.attempt');
type Slots = { [kPending]?: Pending; [kAttempt]?: RunContext };

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

function routeFlag(request: FastifyRequest): boolean | undefined {
  // Fastify 5 and late 4.x: routeOptions.config; early 4.x: routeConfig.
  const legacy = request as unknown as { routeConfig?: { idempotency?: boolean } };
  return (request.routeOptions?.config ?? legacy.routeConfig)?.idempotency;
}

function sendNow(reply: FastifyReply, response: HttpResponse): void {
  reply.code(response.status).headers(response.headers).send(toBuffer(response.body));
}

const plugin: FastifyPluginCallback<FastifyIdempotencyOptions> = (fastify, options, done) => {
  const routes = options.routes ?? 'all';
  let http: HttpIdempotency;
  try {
    if (routes !== 'all' && routes !== 'opt-in') {
      throw new InvalidArgumentError('routes', 'expected "all" or "opt-in"');
    }
    http = createHttpIdempotency(options);
  } catch (error) {
    done(error as Error);
    return;
  }

  // preHandler: the body is parsed, the handler has not run. The downstream callback lets the
  // handler run (next()) and waits for onSend to hand over what it sent.
  fastify.addHook('preHandler', (request, reply, next) => {
    if (!(routeFlag(request) ?? routes === 'all')) return next();
    let entered = false;
    const decision = http.handle(toHttpRequest(request, http.settings.header), (attempt) => {
      entered = true;
      (request as FastifyRequest & Slots)[kAttempt] = attempt;
      return new Promise<CapturedResponse>((resolve, reject) => {
        const pending: Pending = { decision, resolve, reject, captured: false, reply };
        (reply.raw as unknown as Slots)[kPending] = pending;
        reply.raw.on('close', onRawClose);
        next();
      });
    });
    decision.then(
      (outcome) => {
        if (entered) return; // onSend sends it
        if (outcome.action === 'send') sendNow(reply, outcome.response);
        else next();
      },
      (error: unknown) => {
        if (!entered) next(error as Error);
      },
    );
  });

  // A callback hook, not an async one: every response passes here, most with nothing to do.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    const pending = (reply.raw as unknown as Slots)[kPending];
    if (!pending || pending.captured) return done(null, payload);
    pending.captured = true;
    handOver(pending, reply, payload, http.settings.maxBodyBytes).then(
      (sent) => done(null, sent),
      (error: Error) => done(error),
    );
  });

  done();
};

/** Idempotency keys for Fastify 4 and 5: register it before the routes it protects. */
export const idempotency = fp(plugin, { name: '@oncely/fastify', fastify: '4.x || 5.x' });

/** Give the handler's response to the waiting `handle`, then answer what it decided to send. */
async function handOver(
  pending: Pending,
  reply: FastifyReply,
  payload: unknown,
  maxBodyBytes: number,
): Promise<unknown> {
  const read = await capturePayload(payload, maxBodyBytes);
  pending.resolve({
    status: reply.statusCode,
    headers: reply.getHeaders() as HttpHeaders,
    body: read.body,
    complete: read.complete,
  });
  const outcome = await pending.decision;
  if (outcome.action !== 'send') return read.complete ? toBuffer(read.body) : read.payload;
  // The live response's headers are on the reply already (re-adding would double Set-Cookie);
  // a string or Buffer payload goes out as the handler made it (a stream was read: send bytes).
  if (outcome.source === 'live' && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
    return payload;
  }
  if (outcome.source !== 'live') {
    reply.code(outcome.response.status).headers(outcome.response.headers);
  }
  return toBuffer(outcome.response.body);
}
