import type { AddressInfo } from 'node:net';
import {
  type ScenarioServer,
  type ScenarioServerOptions,
  type ScenarioUser,
  verifyToken,
} from '@oncely/http-scenarios';
import compression from 'compression';
import type express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { idempotency } from '../src/index.js';

/** passport + passport-http-bearer, as an app would mount them: `req.user` is the token's user. */
function bearerAuth(): { initialize: RequestHandler; authenticate: RequestHandler } {
  const passport = new Passport();
  passport.use(new BearerStrategy((token, done) => done(null, verifyToken(token) ?? false)));
  return {
    initialize: passport.initialize() as RequestHandler,
    authenticate: passport.authenticate('bearer', { session: false }) as RequestHandler,
  };
}

/**
 * The scenario app behind @oncely/express on a real server. `createExpress` is Express 5 or
 * Express 4 (the `express4` alias): the same code runs on both majors.
 */
export async function startExpress(
  createExpress: typeof express,
  { app, idempotency: options, seams = {}, compress }: ScenarioServerOptions,
): Promise<ScenarioServer> {
  const server = createExpress();
  const auth = bearerAuth();
  server.use(createExpress.json());
  server.use(createExpress.raw({ type: 'application/octet-stream' }));
  server.use(createExpress.text({ type: 'text/plain' }));
  server.use(auth.initialize);
  if (seams.auth === 'app') server.use(auth.authenticate);
  const scope = seams.scopeByUser
    ? (_: unknown, req: Request) => (req.user as ScenarioUser).sub
    : options.scope;
  server.use(idempotency<Request>({ ...options, scope }));
  if (compress) server.use(compression({ threshold: 0 }));
  const onRoute: RequestHandler[] = [];
  if (seams.routeLevel) {
    onRoute.push(idempotency<Request>({ ...options, scope, ...seams.routeLevel }));
  }
  if (seams.auth === 'route') onRoute.push(auth.authenticate);
  server.all('/r/:name', ...onRoute, (req: Request, res: Response, next: NextFunction) => {
    const url = req.originalUrl;
    app
      .handle(String(req.params.name), {
        method: req.method,
        query: url.includes('?') ? url.slice(url.indexOf('?') + 1) : '',
        body: req.body,
        headers: req.headers,
      })
      .then((reply) => {
        res.status(reply.status).set(reply.headers);
        const { body } = reply;
        if (body.kind === 'json') res.json(body.value);
        else if (body.kind === 'text') res.type('text/plain').send(body.value);
        else if (body.kind === 'bytes') res.type('application/octet-stream').send(body.value);
        else if (body.kind === 'stream') body.value.pipe(res.type('application/octet-stream'));
        else res.end();
      }, next);
  });
  if (seams.appErrorHandler) {
    server.use((error: AppError, _req: Request, res: Response, _next: NextFunction) => {
      res
        .status(error.status ?? 500)
        .set(error.headers ?? {})
        .set('x-app-error', '1')
        .json({ appError: error.code, type: error.problem?.type });
    });
  }
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

interface AppError {
  status?: number;
  code?: string;
  headers?: Record<string, string>;
  problem?: { type: string };
}
