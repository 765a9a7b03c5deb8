import { type HttpRequest, withHeaderLines } from '@oncely/core';
import type { FastifyRequest } from 'fastify';

export function toHttpRequest(request: FastifyRequest, keyHeader: string): HttpRequest {
  const url = request.url;
  const mark = url.indexOf('?');
  return {
    method: request.method,
    path: mark === -1 ? url : url.slice(0, mark),
    query: mark === -1 ? '' : url.slice(mark + 1),
    headers: withHeaderLines(request.headers, request.raw, keyHeader),
    // Fastify's parsed body: an object for JSON, a string for text/plain, a Buffer from a
    // content-type parser registered with `parseAs: 'buffer'`.
    body: request.body,
  };
}
