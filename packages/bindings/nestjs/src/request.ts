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

/**
 * For events and logs: the route pattern the platform matched (`/orders/:id`; Fastify's
 * `routeOptions.url`, Express's mount path and `route.path`) and Fastify's request id.
 */
export function describeRequest(request: NestRequest): { route?: string; requestId?: string } {
  const { routeOptions, route, baseUrl, id } = request as {
    routeOptions?: { url?: unknown };
    route?: { path?: unknown };
    baseUrl?: unknown;
    id?: unknown;
  };
  const pattern =
    typeof routeOptions?.url === 'string'
      ? routeOptions.url
      : typeof route?.path === 'string'
        ? `${typeof baseUrl === 'string' ? baseUrl : ''}${route.path}`
        : undefined;
  return {
    ...(pattern === undefined ? {} : { route: pattern }),
    ...(typeof id === 'string' ? { requestId: id } : {}),
  };
}
