import type { ServerResponse } from 'node:http';
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
  type HttpIdempotency,
  type HttpResponse,
  InvalidArgumentError,
  ResponseHold,
  toBuffer,
} from '@oncely/core';
import { Observable, type Subscriber, Subscription } from 'rxjs';
import { IDEMPOTENT, setAttempt } from './decorators.js';
import { IdempotencyException } from './exception.js';
import {
  type IdempotentSetting,
  type NestIdempotencyOptions,
  type NestRequest,
  ONCELY_OPTIONS,
} from './options.js';
import { describeRequest, toHttpRequest } from './request.js';

type Http = HttpIdempotency<NestRequest>;
interface Instances {
  routes: 'opt-in' | 'all';
  shared: Http;
  /** By controller and handler (a base class's handler may serve several): `undefined` when not covered. */
  handlers: Map<object, Map<object, Http | undefined>>;
}
/**
 * By module options: every copy of the interceptor (the global one, one a controller names in
 * `@UseInterceptors`) uses the same instance for a handler, so exactly one handles a request.
 */
const byOptions = new WeakMap<object, Instances>();

function instancesOf(options: NestIdempotencyOptions): Instances {
  let instances = byOptions.get(options);
  if (!instances) {
    const { routes = 'opt-in', ...http } = options;
    if (routes !== 'opt-in' && routes !== 'all') {
      throw new InvalidArgumentError('routes', 'expected "opt-in" or "all"');
    }
    instances = { routes, shared: createHttpIdempotency(http), handlers: new Map() };
    byOptions.set(options, instances);
  }
  return instances;
}

/**
 * The idempotency interceptor. `OncelyModule` installs it for every route; it acts on the
 * handlers its `routes` option and `@Idempotent()` cover. It runs after the guards, so `scope`
 * sees `request.user`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly instances: Instances;

  constructor(
    @Inject(ONCELY_OPTIONS) private readonly options: NestIdempotencyOptions,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.instances = instancesOf(options);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const controller = context.getClass();
    const handlers = this.instances.handlers.get(controller) ?? new Map<object, Http | undefined>();
    this.instances.handlers.set(controller, handlers);
    const handler = context.getHandler();
    if (!handlers.has(handler)) handlers.set(handler, this.instanceFor(context));
    const http = handlers.get(handler);
    if (!http) return next.handle();
    const request: NestRequest = context.switchToHttp().getRequest();
    const res: NestRequest = context.switchToHttp().getResponse();
    // Fastify's reply wraps Node's response; Express's is Node's response.
    const raw: ServerResponse = res.raw ?? res;
    return new Observable((subscriber) => {
      const inner = new Subscription();
      // Made only when this request owns the key: it holds what Nest writes until it is stored.
      let hold: ResponseHold | undefined;
      const downstream = http.handle(
        toHttpRequest(request, http.settings.header),
        (attempt) => {
          setAttempt(request, attempt);
          hold = new ResponseHold(raw, http.settings.maxBodyBytes, () => false);
          return hold.capture(() => inner.add(next.handle().subscribe(subscriber)));
        },
        {
          native: request,
          carrier: request.raw ?? request,
          onStepAside: () => hold?.restore(),
          ...describeRequest(request),
        },
      );
      downstream.then(
        (decision) => {
          if (hold) {
            if (decision.action === 'send')
              hold.deliver(decision.response, decision.source === 'live');
          } else if (decision.action === 'pass') inner.add(next.handle().subscribe(subscriber));
          else if (decision.action === 'throw')
            subscriber.error(new IdempotencyException(decision.error));
          else if (decision.action === 'send') sendInstead(res, raw, decision.response, subscriber);
        },
        (error: unknown) => {
          // Before the handler ran (e.g. a `scope` that threw): Nest's exception layer.
          if (hold) hold.restore();
          else subscriber.error(error);
        },
      );
      return inner;
    });
  }

  private instanceFor(context: ExecutionContext): Http | undefined {
    const setting = this.reflector.getAllAndOverride<IdempotentSetting | undefined>(IDEMPOTENT, [
      context.getHandler(),
      context.getClass(),
    ]);
    const { routes, shared } = this.instances;
    if (setting === false || (setting === undefined && routes !== 'all')) return undefined;
    if (typeof setting !== 'object' || setting === null) return shared;
    const { routes: _, ...options } = this.options;
    return createHttpIdempotency({ ...options, ...setting });
  }
}

/**
 * A replay or a problem, decided before the handler ran. Nest sends what the interceptor emits,
 * through the interceptors outside this one (which may wrap it): `response` goes in its place.
 * On Fastify the reply's next `send` sends it, so Fastify frames it as it frames a live one and
 * its hooks (CORS) apply. On Express what Nest writes goes into a hold and is dropped, with the
 * headers it set, and `response` goes out over the headers the app set before (CORS).
 */
function sendInstead(
  res: NestRequest,
  raw: ServerResponse,
  response: HttpResponse,
  subscriber: Subscriber<unknown>,
): void {
  if (res !== raw) {
    res.send = () => {
      delete res.send;
      // No body is sent as none, as the handler's: a Buffer would add a Content-Type.
      const body = response.body.byteLength === 0 ? undefined : toBuffer(response.body);
      return res.code(response.status).headers(response.headers).send(body);
    };
  } else {
    const before = raw.getHeaders();
    const placeholder = new ResponseHold(raw, Number.MAX_SAFE_INTEGER, () => false);
    placeholder
      .capture(() => {})
      .then(() => {
        for (const name of raw.getHeaderNames()) if (!(name in before)) raw.removeHeader(name);
        for (const [name, value] of Object.entries(before)) raw.setHeader(name, value ?? '');
        placeholder.deliver(response, false);
      });
  }
  subscriber.next(undefined);
  subscriber.complete();
}
