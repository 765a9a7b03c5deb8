import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import {
  SCENARIO_JWT_SECRET,
  type ScenarioServer,
  type ScenarioServerOptions,
  type ScenarioUser,
} from '@oncely/http-scenarios';
import type Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import koaCompress from 'koa-compress';
import jwt from 'koa-jwt';
import { idempotency, type KoaContextLike } from '../src/index.js';

/** Reads `application/octet-stream` bodies into a Buffer (koa-bodyparser leaves them alone). */
const rawBytes: Koa.Middleware = async (ctx, next) => {
  if (ctx.is('application/octet-stream')) {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    ctx.request.body = Buffer.concat(chunks);
  }
  await next();
};

/**
 * The scenario app behind @oncely/koa on a real server. `KoaClass` is Koa 3 or Koa 2 (the
 * `koa2` alias): the same code runs on both majors.
 */
export async function startKoa(
  KoaClass: typeof Koa,
  { app, idempotency: options, seams = {}, compress }: ScenarioServerOptions,
): Promise<ScenarioServer> {
  const server = new KoaClass();
  server.silent = true; // the `fail` route throws on purpose
  if (seams.appErrorHandler) server.use(appErrors);
  server.use(rawBytes);
  server.use(bodyParser({ enableTypes: ['json', 'form', 'text'] }));
  const auth = jwt({ secret: SCENARIO_JWT_SECRET }) as unknown as Koa.Middleware;
  if (seams.auth === 'app') server.use(auth);
  const scope = seams.scopeByUser
    ? (_: unknown, ctx: KoaContextLike) => (ctx.state.user as ScenarioUser).sub
    : options.scope;
  server.use(idempotency({ ...options, scope }) as unknown as Koa.Middleware);
  if (compress) server.use(koaCompress({ threshold: 0 }));
  const onRoute: Koa.Middleware[] = [];
  if (seams.routeLevel) {
    onRoute.push(
      idempotency({ ...options, scope, ...seams.routeLevel }) as unknown as Koa.Middleware,
    );
  }
  if (seams.auth === 'route') onRoute.push(auth);
  const router = new Router();
  router.all('/r/:name', ...onRoute, async (ctx) => {
    const reply = await app.handle(String(ctx.params.name), {
      method: ctx.method,
      query: ctx.querystring,
      body: ctx.request.body,
      headers: ctx.headers,
    });
    ctx.status = reply.status;
    for (const [name, value] of Object.entries(reply.headers)) ctx.set(name, value);
    const { body } = reply;
    if (body.kind === 'json') ctx.body = body.value;
    else if (body.kind === 'text') {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = body.value;
    } else if (body.kind === 'bytes' || body.kind === 'stream') {
      ctx.type = 'application/octet-stream';
      ctx.body = body.value;
    } else if (body.kind === 'empty') ctx.body = '';
  });
  server.use(router.routes());
  const listening = server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    listening.once('listening', resolve);
    listening.once('error', reject);
  });
  const { port } = listening.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        listening.closeAllConnections();
        listening.close(() => resolve());
      }),
  };
}

/** The app's own error middleware, in front of everything. */
const appErrors: Koa.Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (caught) {
    const error = caught as AppError;
    ctx.status = error.status ?? 500;
    ctx.set(error.headers ?? {});
    ctx.set('x-app-error', '1');
    ctx.body = { appError: error.code, type: error.problem?.type };
  }
};

interface AppError {
  status?: number;
  code?: string;
  headers?: Record<string, string>;
  problem?: { type: string };
}
