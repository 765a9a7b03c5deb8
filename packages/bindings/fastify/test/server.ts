import fastifyCompress from '@fastify/compress';
import fastifyJwt from '@fastify/jwt';
import {
  SCENARIO_JWT_SECRET,
  type ScenarioServer,
  type ScenarioServerOptions,
  type ScenarioUser,
} from '@oncely/http-scenarios';
import type Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCompress7 from 'fastify-compress7';
import { type FastifyIdempotencyOptions, idempotency } from '../src/index.js';

/** @fastify/jwt's plugin: 9.x for Fastify 5, 8.x (the `fastify-jwt8` alias) for Fastify 4. */
export type JwtPlugin = typeof fastifyJwt;

/** The @fastify/jwt check an app puts in a hook: 401 unless the bearer token verifies. */
async function authenticate(request: FastifyRequest): Promise<void> {
  // Its error carries statusCode 401, so Fastify's error handler answers it.
  await request.jwtVerify();
}

/**
 * The scenario app behind @oncely/fastify on a real server. `createFastify` is Fastify 5 or
 * Fastify 4 (the `fastify4` alias): the same code runs on both majors.
 */
export async function startFastify(
  createFastify: typeof Fastify,
  { app, idempotency: options, seams = {}, compress }: ScenarioServerOptions,
  extra: Partial<FastifyIdempotencyOptions> = {},
  jwt: JwtPlugin = fastifyJwt,
): Promise<ScenarioServer> {
  const server = createFastify();
  await server.register(jwt, { secret: SCENARIO_JWT_SECRET });
  if (seams.auth === 'app') server.addHook('onRequest', authenticate);
  if (seams.appErrorHandler) {
    server.setErrorHandler((error: AppError, _request, reply) => {
      reply
        .code(error.statusCode ?? 500)
        .headers(error.headers ?? {})
        .header('x-app-error', '1')
        .send({ appError: error.code, type: error.problem?.type });
    });
  }
  const scope = seams.scopeByUser
    ? (_: unknown, request: FastifyRequest) => (request.user as ScenarioUser).sub
    : options.scope;
  // JSON and text/plain are parsed by Fastify itself; raw bytes need a parser.
  server.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer' },
    (_request: FastifyRequest, body: Buffer, done: (error: null, body: Buffer) => void) =>
      done(null, body),
  );
  await server.register(idempotency, { ...options, scope, ...extra });
  // @fastify/compress 8 is for Fastify 5, 7 for Fastify 4.
  const compressPlugin = server.version.startsWith('4.') ? fastifyCompress7 : fastifyCompress;
  if (compress) await server.register(compressPlugin as typeof fastifyCompress, { threshold: 0 });
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url;
    const reply_ = await app.handle((request.params as { name: string }).name, {
      method: request.method,
      query: url.includes('?') ? url.slice(url.indexOf('?') + 1) : '',
      body: request.body,
      headers: request.headers,
    });
    reply.code(reply_.status).headers(reply_.headers);
    const { body } = reply_;
    if (body.kind === 'json') return body.value;
    if (body.kind === 'text') return reply.type('text/plain; charset=utf-8').send(body.value);
    if (body.kind === 'bytes') return reply.type('application/octet-stream').send(body.value);
    if (body.kind === 'stream') return reply.type('application/octet-stream').send(body.value);
    return reply.send();
  };
  const preHandler = seams.auth === 'route' ? [authenticate] : [];
  const scenarioRoute = (on: FastifyInstance) =>
    on.route({ method: ['GET', 'POST', 'PATCH', 'PUT'], url: '/r/:name', preHandler, handler });
  const { routeLevel } = seams;
  if (routeLevel) {
    // A child context that registers the plugin again for its own routes.
    await server.register(async (child) => {
      await child.register(idempotency, { ...options, scope, ...extra, ...routeLevel });
      scenarioRoute(child);
    });
  } else scenarioRoute(server);
  server.route({
    method: 'POST',
    url: '/off/:name',
    config: { idempotency: false },
    handler,
  });
  server.route({
    method: 'POST',
    url: '/on/:name',
    config: { idempotency: true },
    handler,
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.server.closeAllConnections();
      await server.close();
    },
  };
}

interface AppError {
  statusCode?: number;
  code?: string;
  headers?: Record<string, string>;
  problem?: { type: string };
}
