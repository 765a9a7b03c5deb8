import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import fastifyCompress from '@fastify/compress';
import {
  All,
  type ArgumentsHost,
  type CanActivate,
  Catch,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Module,
  Param,
  Req,
  Res,
  StreamableFile,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, HttpAdapterHost, NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  type ScenarioApp,
  type ScenarioServer,
  type ScenarioServerOptions,
  type ScenarioUser,
  verifyToken,
} from '@oncely/http-scenarios';
import compression from 'compression';
import { Idempotent, type NestRequest, OncelyModule } from '../src/index.js';

export type Platform = 'express' | 'fastify';

/** A real guard, as an app's auth is: 401 unless the bearer token verifies; sets `request.user`. */
@Injectable()
export class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    const header = String(request.headers.authorization ?? '');
    const user = header.startsWith('Bearer ') ? verifyToken(header.slice(7)) : undefined;
    if (!user) throw new UnauthorizedException();
    request.user = user;
    return true;
  }
}

/** The app's own exception filter: every error as `{ appError, type }`, with its status and headers. */
@Catch()
class AppFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  catch(error: AppError, context: ArgumentsHost): void {
    const adapter = this.host.httpAdapter;
    const response = context.switchToHttp().getResponse();
    const status = error instanceof HttpException ? error.getStatus() : 500;
    for (const [name, value] of Object.entries({ ...error.headers, 'x-app-error': '1' })) {
      adapter.setHeader(response, name, value);
    }
    adapter.reply(response, { appError: error.code, type: error.problem?.type }, status);
  }
}

interface AppError {
  code?: string;
  headers?: Record<string, string>;
  problem?: { type: string };
}

/** The scenario routes, answered by `app` through Nest's own response handling. */
function scenarioController(app: ScenarioApp, seams: ScenarioServerOptions['seams'] = {}) {
  @Controller()
  @Idempotent()
  class ScenarioController {
    constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

    @All('r/:name')
    async handle(
      @Param('name') name: string,
      @Req() request: NestRequest,
      @Res({ passthrough: true }) response: unknown,
    ): Promise<unknown> {
      const adapter = this.host.httpAdapter;
      const url: string = request.originalUrl ?? request.url;
      const reply = await app.handle(name, {
        method: request.method,
        query: url.includes('?') ? url.slice(url.indexOf('?') + 1) : '',
        body: request.body,
        headers: request.headers,
      });
      adapter.status(response, reply.status);
      for (const [header, value] of Object.entries(reply.headers)) {
        adapter.setHeader(response, header, value as string); // arrays too (Set-Cookie)
      }
      const { body } = reply;
      const octets = () => adapter.setHeader(response, 'content-type', 'application/octet-stream');
      if (body.kind === 'json') return body.value;
      if (body.kind === 'text') {
        adapter.setHeader(response, 'content-type', 'text/plain; charset=utf-8');
        return body.value;
      }
      if (body.kind === 'bytes') {
        octets();
        return new StreamableFile(body.value);
      }
      if (body.kind === 'stream') {
        octets();
        return new StreamableFile(body.value);
      }
      return undefined;
    }
  }
  const method = Object.getOwnPropertyDescriptor(ScenarioController.prototype, 'handle');
  const decorate = (decorator: MethodDecorator) =>
    decorator(ScenarioController.prototype, 'handle', method as PropertyDescriptor);
  if (seams.routeLevel) decorate(Idempotent(seams.routeLevel));
  if (seams.auth === 'route') decorate(UseGuards(BearerGuard));
  return ScenarioController;
}

/** The scenario app behind @oncely/nestjs on a real Nest server, on either platform. */
export async function startNest(
  platform: Platform,
  { app, idempotency: options, seams = {}, compress }: ScenarioServerOptions,
): Promise<ScenarioServer> {
  const scope = seams.scopeByUser
    ? (_: unknown, request: NestRequest) => (request.user as ScenarioUser).sub
    : options.scope;
  const providers = [];
  if (seams.auth === 'app') providers.push({ provide: APP_GUARD, useClass: BearerGuard });
  if (seams.appErrorHandler) providers.push({ provide: APP_FILTER, useClass: AppFilter });

  @Module({
    imports: [OncelyModule.forRoot({ ...options, scope })],
    controllers: [scenarioController(app, seams)],
    providers,
  })
  class ScenarioModule {}

  return listenOn(platform, ScenarioModule, compress);
}

/** A Nest app of `module` on `platform`, listening on a free loopback port. */
export async function listenOn(
  platform: Platform,
  module: object,
  compress?: boolean,
): Promise<ScenarioServer> {
  const nest =
    platform === 'express'
      ? await startExpress(module, compress)
      : await startFastify(module, compress);
  await nest.listen(0, '127.0.0.1');
  const server = nest.getHttpServer();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await nest.close();
    },
  };
}

async function startExpress(module: object, compress?: boolean) {
  const nest = await NestFactory.create<NestExpressApplication>(module, new ExpressAdapter(), {
    logger: false,
    abortOnError: false,
  });
  nest.useBodyParser('raw', { type: 'application/octet-stream' });
  nest.useBodyParser('text', { type: 'text/plain' });
  if (compress) nest.use(compression({ threshold: 0 }));
  return nest;
}

async function startFastify(module: object, compress?: boolean) {
  const nest = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  const fastify = nest.getHttpAdapter().getInstance();
  fastify.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer' },
    (_request: unknown, body: Buffer, done: (error: null, body: Buffer) => void) =>
      done(null, body),
  );
  if (compress) await nest.register(fastifyCompress, { threshold: 0 });
  return nest;
}
