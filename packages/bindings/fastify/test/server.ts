import fastifyCompress from '@fastify/compress';
import type { ScenarioServer, ScenarioServerOptions } from '@oncely/http-scenarios';
import type Fastify from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifyCompress7 from 'fastify-compress7';
import { type FastifyIdempotencyOptions, idempotency } from '../src/index.js';

/**
 * The scenario app behind @oncely/fastify on a real server. `createFastify` is Fastify 5 or
 * Fastify 4 (the `fastify4` alias): the same code runs on both majors.
 */
export async function startFastify(
  createFastify: typeof Fastify,
  { app, idempotency: options, compress }: ScenarioServerOptions,
  extra: Partial<FastifyIdempotencyOptions> = {},
): Promise<ScenarioServer> {
  const server = createFastify();
  // JSON and text/plain are parsed by Fastify itself; raw bytes need a parser.
  server.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer' },
    (_request: FastifyRequest, body: Buffer, done: (error: null, body: Buffer) => void) =>
      done(null, body),
  );
  await server.register(idempotency, { ...options, ...extra });
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
  server.route({ method: ['GET', 'POST', 'PATCH', 'PUT'], url: '/r/:name', handler });
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
