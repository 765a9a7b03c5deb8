import { type HttpRequest, withHeaderLines } from '@oncely/core';
import type { NestRequest } from './options.js';

/** Express's `req` or Fastify's `request`, as core's request. */
export function toHttpRequest(request: NestRequest, keyHeader: string): HttpRequest {
  // Express keeps the URL before a router stripped its mount path in `originalUrl`.
  const url: string = request.originalUrl ?? request.url ?? '/';
  const mark = url.indexOf('?');
  return {
    method: request.method,
    path: mark === -1 ? url : url.slice(0, mark),
    query: mark === -1 ? '' : url.slice(mark + 1),
    headers: withHeaderLines(request.headers, request.raw ?? request, keyHeader),
    body: request.body,
  };
}
