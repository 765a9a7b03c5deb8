import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import type { ScenarioInput, ScenarioReply } from './app.js';
import type { ScenarioServer } from './run.js';
import { type ScenarioUser, verifyToken } from './seams/tokens.js';

/**
 * Pieces for targets on Web-standard `Request`/`Response` (the fetch and Hono bindings): the
 * scenario app's input and reply in Web terms, a bearer check, and a real Node server.
 */

/** The body as the scenario servers' parsers leave it: JSON, text, bytes; `400` for bad JSON. */
export async function webScenarioBody(request: Request): Promise<{ body: unknown } | Response> {
  const type = request.headers.get('content-type') ?? '';
  if (request.body === null) return { body: undefined };
  if (/^application\/(?:[\w.+-]+\+)?json/i.test(type)) {
    const text = await request.text();
    if (text === '') return { body: undefined };
    try {
      return { body: JSON.parse(text) };
    } catch {
      return Response.json({ error: 'malformed JSON' }, { status: 400 });
    }
  }
  if (type.startsWith('text/')) return { body: await request.text() };
  if (type.startsWith('application/octet-stream')) {
    return { body: Buffer.from(await request.arrayBuffer()) };
  }
  return { body: undefined };
}

/** What `ScenarioApp.handle` takes, from a Web request and its parsed body. */
export function webScenarioInput(request: Request, body: unknown): ScenarioInput {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { method: request.method, query: new URL(request.url).search.slice(1), body, headers };
}

/** A scenario reply as a Web `Response`. */
export function webScenarioResponse(reply: ScenarioReply): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(reply.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const { body } = reply;
  let content: ConstructorParameters<typeof Response>[0] = null;
  if (body.kind === 'json') {
    headers.set('content-type', 'application/json; charset=utf-8');
    content = JSON.stringify(body.value);
  } else if (body.kind === 'text') {
    headers.set('content-type', 'text/plain; charset=utf-8');
    content = body.value;
  } else if (body.kind === 'bytes' || body.kind === 'stream') {
    headers.set('content-type', 'application/octet-stream');
    content =
      body.kind === 'bytes'
        ? new Uint8Array(body.value)
        : (Readable.toWeb(body.value) as ReadableStream<Uint8Array>);
  } else if (body.kind === 'empty') content = '';
  // As the frameworks do, a status that carries no content sends none, whatever was set.
  const noContent = [204, 205, 304].includes(reply.status);
  return new Response(noContent ? null : content, { status: reply.status, headers });
}

/** The user a `Bearer` token names, or `undefined` for no token or a bad one. */
export function webBearerUser(request: Request): ScenarioUser | undefined {
  const header = request.headers.get('authorization') ?? '';
  return header.startsWith('Bearer ') ? verifyToken(header.slice(7)) : undefined;
}

/** The `appErrorHandler` seam's answer to an error, in Web terms. */
export function webAppErrorResponse(error: unknown): Response {
  const failure = error as {
    status?: number;
    code?: string;
    headers?: Record<string, string>;
    problem?: { type: string };
  };
  const response = Response.json(
    { appError: failure.code, type: failure.problem?.type },
    { status: failure.status ?? 500, headers: failure.headers ?? {} },
  );
  response.headers.set('x-app-error', '1');
  return response;
}

/**
 * gzip for a client that asks, mounted inside oncely as a compression middleware would be: the
 * `compress` mount for a target with no compression of its own (a bare fetch handler).
 */
export function webGzip(
  handler: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const response = await handler(request);
    const asks = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
    if (!asks || response.body === null || response.headers.has('content-encoding')) {
      return response;
    }
    const headers = new Headers(response.headers);
    headers.set('content-encoding', 'gzip');
    headers.append('vary', 'Accept-Encoding');
    headers.delete('content-length');
    const body = response.body.pipeThrough(new CompressionStream('gzip'));
    return new Response(body, { status: response.status, headers });
  };
}

/** A fetch handler behind a real Node server on 127.0.0.1 (`@hono/node-server`'s adapter). */
export async function listenFetch(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<ScenarioServer> {
  const server = createAdaptorServer({ fetch }) as import('node:http').Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
    server.listen(0, '127.0.0.1');
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
