import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { HttpIdempotencyOptions, Logger } from '@oncely/core';
import { idempotency as expressIdempotency } from '@oncely/express';
import { idempotency as fastifyIdempotency } from '@oncely/fastify';
import express from 'express';
import Fastify from 'fastify';
import { pino } from 'pino';
import type { Telemetry } from './telemetry.js';

/** A JSON log line as pino wrote it. */
export type LogLine = {
  level: number;
  msg: string;
  reqId?: string;
  oncely?: Record<string, unknown>;
  err?: { message: string };
};

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export interface TestApp {
  url: (path: string) => string;
  /** What the app's logger wrote. */
  lines: LogLine[];
  /** Called inside the handler before it answers: a test holds it there or cuts the store. */
  beforeReply: { current: (() => Promise<void>) | undefined };
  calls: () => number;
  close: () => Promise<void>;
}

export type Framework = 'fastify' | 'express';

/** A pino logger at debug that keeps its lines: the logger a production app has. */
function capturingPino(lines: LogLine[]) {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { level: 'debug', stream };
}

/**
 * `POST /orders/:id` behind oncely, on a server whose requests each get an HTTP span. Fastify
 * logs through its own `request.log` (the default); Express gets a pino logger in `logger`.
 */
export async function startApp(
  framework: Framework,
  telemetry: Telemetry,
  options: HttpIdempotencyOptions,
): Promise<TestApp> {
  const lines: LogLine[] = [];
  const beforeReply: TestApp['beforeReply'] = { current: undefined };
  let count = 0;
  const answer = async (id: string) => {
    count++;
    await beforeReply.current?.();
    return { id, n: count };
  };
  let server: Server;
  if (framework === 'fastify') {
    const app = Fastify({
      logger: capturingPino(lines),
      serverFactory: (handler) => createServer(telemetry.traced(handler)),
    });
    await app.register(fastifyIdempotency, options);
    app.post<{ Params: { id: string } }>('/orders/:id', async (request, reply) => {
      reply.code(201);
      return answer(request.params.id);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = app.server;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url: (p) => url + p,
      lines,
      beforeReply,
      calls: () => count,
      close: () => app.close(),
    };
  }
  const { level, stream } = capturingPino(lines);
  const logger: Logger = pino({ level }, stream);
  const app = express();
  app.use(express.json());
  app.use(expressIdempotency({ ...options, logger }));
  app.post('/orders/:id', (req, res, next) => {
    answer(req.params.id).then((body) => res.status(201).json(body), next);
  });
  server = createServer(telemetry.traced(app));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (p) => url + p,
    lines,
    beforeReply,
    calls: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function post(
  app: TestApp,
  key: string,
  body: unknown = { amount: 1 },
  id = '7',
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  const response = await fetch(app.url(`/orders/${id}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}
