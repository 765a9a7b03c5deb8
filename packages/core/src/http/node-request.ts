import { withHeaderLines } from './headers.js';
import type { HttpHeaders, HttpRequest } from './types.js';

/** What a Node framework's request holds: Express's `req`, Fastify's `request`, Nest's on either. */
export interface NodeRequestLike {
  method?: string | undefined;
  /** The URL with its query. */
  url?: string | undefined;
  /** Express: the URL before a router stripped its mount path (preferred to `url`). */
  originalUrl?: string | undefined;
  headers: HttpHeaders;
  /** What a body parser left: bytes, a string, parsed JSON or a form. */
  body?: unknown;
  /** Node's own request has it (Express's `req` is one); Fastify's holds Node's in `raw`. */
  readonly headersDistinct?: Record<string, string[] | undefined> | undefined;
}

/**
 * A Node framework's request as the HTTP layer's. `raw` is Node's own request (Fastify's
 * `request.raw`; Express's `req` is one): its `headersDistinct` shows a key header sent twice.
 */
export function fromNodeRequest(
  request: NodeRequestLike,
  keyHeader: string,
  raw: Pick<NodeRequestLike, 'headersDistinct'> | undefined = request,
): HttpRequest {
  const url = request.originalUrl ?? request.url ?? '/';
  const mark = url.indexOf('?');
  return {
    method: request.method ?? 'GET',
    path: mark === -1 ? url : url.slice(0, mark),
    query: mark === -1 ? '' : url.slice(mark + 1),
    headers: withHeaderLines(request.headers, raw, keyHeader),
    body: request.body,
  };
}

/**
 * For events and logs: the route pattern a Node framework matched (`/orders/:id`), never the path
 * with its ids. Fastify's `routeOptions.url`; Express's mount path and `route.path`, which it sets
 * while it dispatches a route (an instance mounted on the app knows it once the handler ran).
 */
export function nodeRoutePattern(request: object): string | undefined {
  const { routeOptions, route, baseUrl } = request as {
    routeOptions?: { url?: string };
    route?: { path?: unknown };
    baseUrl?: string;
  };
  if (routeOptions) return routeOptions.url;
  return typeof route?.path === 'string' ? `${baseUrl ?? ''}${route.path}` : undefined;
}
