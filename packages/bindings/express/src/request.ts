import type { IncomingMessage } from 'node:http';
import { type HttpRequest, withHeaderLines } from '@oncely/core';

/** The parts of an Express request the binding reads (Express 4 and 5 alike). */
export interface ExpressRequestLike extends IncomingMessage {
  /** The URL before any router stripped its mount path. */
  originalUrl?: string;
  /** What a body parser (`express.json()`, `express.raw()`, `express.text()`...) left. */
  body?: unknown;
}

export function toHttpRequest(req: ExpressRequestLike, keyHeader: string): HttpRequest {
  const url = req.originalUrl ?? req.url ?? '/';
  const mark = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: mark === -1 ? url : url.slice(0, mark),
    query: mark === -1 ? '' : url.slice(mark + 1),
    headers: withHeaderLines(req.headers, req, keyHeader),
    body: req.body,
  };
}
