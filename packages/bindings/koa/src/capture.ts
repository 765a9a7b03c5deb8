import { Readable } from 'node:stream';
import { type CapturedResponse, type HttpHeaders, readBounded, toBuffer } from '@oncely/core';
import type { KoaContextLike } from './context.js';

/**
 * What the downstream middleware left in `ctx`, as the bytes Koa would send: a Buffer or string
 * as it is, a stream read up to `limit` bytes, anything else as Koa serializes it (JSON). A
 * stream past the limit is put back as a stream that replays what was read and continues.
 */
export async function captureBody(ctx: KoaContextLike, limit: number): Promise<CapturedResponse> {
  const { body } = ctx;
  // Nothing answered: Koa's own 404 for a request no route matched.
  const unmatchedRoute = ctx.status === 404 && (body === undefined || body === null);
  let bytes: Uint8Array;
  if (body instanceof Readable) {
    const read = await readBounded(body, limit);
    if (!read.complete) {
      ctx.body = read.stream;
      return snapshot(ctx, read.body, false, false);
    }
    bytes = read.body;
    ctx.body = Buffer.from(bytes);
  } else if (body === undefined || body === null) {
    return koaFilledIn(ctx, unmatchedRoute);
  } else if (typeof body === 'string' || body instanceof Uint8Array) {
    bytes = toBuffer(body);
  } else {
    // Koa's own serialization of a JSON body (respond() in koa/lib/application).
    bytes = Buffer.from(JSON.stringify(body), 'utf8');
  }
  return snapshot(ctx, bytes, bytes.byteLength <= limit, unmatchedRoute);
}

/** Statuses Koa sends without a body (`statuses.empty`). */
const EMPTY_STATUS = new Set([204, 205, 304]);

/**
 * No body: Koa fills one in when it responds (respond() in koa/lib/application): the status
 * message as text/plain, unless the body was set to null on purpose or the status has none.
 * The stored response is what Koa sends; ctx is left as it is, so Koa still sends it itself.
 */
function koaFilledIn(ctx: KoaContextLike, unmatchedRoute: boolean): CapturedResponse {
  const explicitNull = (ctx.response as { _explicitNullBody?: boolean })._explicitNullBody;
  if (explicitNull || EMPTY_STATUS.has(ctx.status)) {
    return snapshot(ctx, new Uint8Array(), true, unmatchedRoute);
  }
  const text =
    (ctx.req?.httpVersionMajor ?? 1) >= 2 ? String(ctx.status) : ctx.message || String(ctx.status);
  const headers = {
    ...(ctx.response.headers as HttpHeaders),
    'content-type': 'text/plain; charset=utf-8',
  };
  return { status: ctx.status, headers, body: toBuffer(text), complete: true, unmatchedRoute };
}

function snapshot(
  ctx: KoaContextLike,
  body: Uint8Array,
  complete: boolean,
  unmatchedRoute: boolean,
): CapturedResponse {
  const headers = ctx.response.headers as HttpHeaders;
  return { status: ctx.status, headers, body, complete, unmatchedRoute };
}
