import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  createHttpIdempotency,
  fromNodeRequest,
  type HttpIdempotency,
  type HttpResponse,
  handleNodeRequest,
  nodeRoutePattern,
  type RouteCoverage,
  resolveRouteCoverage,
  routeInstance,
  toBuffer,
  writeResponse,
} from '@oncely/core';
import { Observable, Subscription } from 'rxjs';
import { IDEMPOTENT, setAttempt } from './decorators.js';
import { IdempotencyException } from './exception.js';
import { type NestIdempotencyOptions, type NestRequest, ONCELY_OPTIONS } from './options.js';

type Http = HttpIdempotency<NestRequest>;
/**
 * By module options: every copy of the interceptor (the global one, one a controller names in
 * `@UseInterceptors`) uses the same instances, so exactly one handles a request.
 */
const byOptions = new WeakMap<object, Http>();

/**
 * The idempotency interceptor. `OncelyModule` installs it for every route; it acts on the
 * handlers its `routes` option and `@Idempotent()` cover. It runs after the guards, so `scope`
 * sees `request.user`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly coverage: RouteCoverage;
  private readonly shared: Http;

  constructor(
    @Inject(ONCELY_OPTIONS) private readonly options: NestIdempotencyOptions,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.coverage = resolveRouteCoverage(options.routes, 'opt-in');
    this.shared = byOptions.get(options) ?? createHttpIdempotency(options);
    byOptions.set(options, this.shared);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.getType() === 'http' ? this.instanceFor(context) : undefined;
    if (!http) return next.handle();
    const request: NestRequest = context.switchToHttp().getRequest();
    const reply: NestRequest = context.switchToHttp().getResponse();
    return new Observable((subscriber) => {
      const inner = new Subscription();
      handleNodeRequest(http, {
        request: fromNodeRequest(request, http.settings.header, request.raw),
        // Fastify's reply wraps Node's response; Express's is Node's response.
        response: reply.raw ?? reply,
        native: request,
        carrier: request.raw ?? request,
        route: nodeRoutePattern,
        requestId: typeof request.id === 'string' ? request.id : undefined,
        proceed: (attempt) => {
          if (attempt) setAttempt(request, attempt);
          inner.add(next.handle().subscribe(subscriber));
        },
        send: (response) => {
          sendInstead(reply, response, writesItself(context));
          subscriber.next(undefined);
          subscriber.complete();
        },
        problem: (error) => subscriber.error(new IdempotencyException(error)),
        fail: (error) => subscriber.error(error),
      });
      return inner;
    });
  }

  /** A handler's setting replaces its controller's (a base class's handler may serve several). */
  private instanceFor(context: ExecutionContext): Http | undefined {
    const targets = [context.getHandler(), context.getClass()];
    const setting = this.reflector.getAllAndOverride(IDEMPOTENT, targets);
    return routeInstance(setting, this.coverage, this.options, this.shared, '@Idempotent');
  }
}

/**
 * Whether the handler writes the response itself (`@Res()` or `@Next()` without `passthrough`),
 * so Nest writes nothing for it: read as Nest's router reads it (`ROUTE_ARGS_METADATA` keys are
 * `${RouteParamtypes}:${index}`, 1 the response and 2 next; `RESPONSE_PASSTHROUGH_METADATA`).
 */
function writesItself(context: ExecutionContext): boolean {
  const [controller, name] = [context.getClass(), context.getHandler().name];
  const params = Reflect.getMetadata('__routeArguments__', controller, name) ?? {};
  const own = Object.keys(params).some((key) => key.startsWith('1:') || key.startsWith('2:'));
  return own && !Reflect.getMetadata('__responsePassthrough__', controller, name);
}

/**
 * A replay or a problem, decided before the handler ran. Nest writes what the interceptor emits
 * through the interceptors outside it (which may wrap it), after setting the handler's status:
 * `response` goes out in its place then (or at once, when Nest writes nothing). On Fastify
 * through the reply, so Fastify frames it and its hooks (CORS) apply; on Express over the
 * headers the app set before (CORS), without those Nest's write added (`res.json`'s type).
 */
function sendInstead(reply: NestRequest, response: HttpResponse, now: boolean): void {
  const express = reply.raw === undefined;
  const before = new Set<string>(express ? reply.getHeaderNames() : []);
  const deliver = () => {
    delete reply.send;
    if (express) {
      for (const name of reply.getHeaderNames()) if (!before.has(name)) reply.removeHeader(name);
      return writeResponse(reply, response);
    }
    // No body is sent as none, as the handler's: a Buffer would add a Content-Type.
    const body = response.body.byteLength === 0 ? undefined : toBuffer(response.body);
    return reply.code(response.status).headers(response.headers).send(body);
  };
  if (now) deliver();
  else reply.send = deliver;
}
