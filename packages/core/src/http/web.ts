import type { RunContext } from '../engine.js';
import type { Downstream, HandleContext, HttpIdempotency } from './http-idempotency.js';
import { claimOf } from './nesting.js';
import type { HttpHeaders, HttpRequest, HttpResponse } from './types.js';
import { readBoundedStream } from './web-stream.js';

/**
 * The Web-standard side of the HTTP layer: `Request`, `Response`, `Headers` and
 * `ReadableStream` only, so a binding for fetch handlers, Hono, Bun, Deno or Workers holds no
 * protocol logic of its own. It runs on `createHttpIdempotency`'s `handle` like every binding.
 */
export interface WebExchange<Native> {
  /** The request: its method, URL and headers are read here; its body only via `readBody`. */
  request: Request;
  /**
   * The body's bytes for the fingerprint, read without taking them from the handler (a clone
   * of the request, or the framework's cached body).
   */
  readBody?: () => Promise<Uint8Array>;
  /** Handed to `scope` and `fingerprint` (the `Request` itself, or Hono's `Context`). */
  native: Native;
  /** The object that lives as long as the request: nested instances agree on it. */
  carrier?: object;
  /** Whether the handler's response is the framework's answer to a path no route matched. */
  unmatchedRoute?: (response: Response) => boolean;
  /** For events and logs: the route pattern that matched, as `HandleContext.route`. */
  route?: HandleContext<Native>['route'];
  /** For events and logs: the framework's request id. */
  requestId?: string | undefined;
}

/** Runs the handler (under `attempt` when this request owns a key) and resolves its response. */
export type WebNext = (attempt: RunContext | undefined) => Promise<Response>;

const EMPTY = new Uint8Array(0);

/** A request's body bytes from a clone, so the handler still reads the original. */
export async function requestBytes(request: Request): Promise<Uint8Array> {
  if (request.body === null) return EMPTY;
  return new Uint8Array(await request.clone().arrayBuffer());
}

/** `Headers` as the HTTP layer takes them: lower-case names, each `Set-Cookie` kept apart. */
export function fromWebHeaders(headers: Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}

/** The HTTP layer's header record as `Headers` (a list becomes repeated lines). */
export function toWebHeaders(headers: HttpHeaders): Headers {
  const out = new Headers();
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.append(name, item);
    else out.set(name, String(value));
  }
  return out;
}

/** RFC 9110: these statuses carry no content, and `Response` refuses a body for them. */
const NO_CONTENT = new Set([101, 103, 204, 205, 304]);

/**
 * workerd encodes a body itself to match its `Content-Encoding` unless told the bytes already
 * are (`encodeBody: "manual"`); a stored body always is. Other runtimes ignore the field.
 */
function encodedAsIs(headers: Headers, init: ResponseInit): ResponseInit {
  return headers.has('content-encoding')
    ? ({ ...init, encodeBody: 'manual' } as ResponseInit)
    : init;
}

/** A response the HTTP layer decided on (a replay or a problem) as a Web `Response`. */
export function toWebResponse(response: HttpResponse): Response {
  const headers = toWebHeaders(response.headers);
  const empty = response.body.byteLength === 0 || NO_CONTENT.has(response.status);
  // No bytes go out as no body, framed by the runtime as it frames a handler's `null` body
  // (a stored response does not say whether the handler's was `null` or empty).
  if (empty) headers.delete('content-length');
  return new Response(
    empty ? null : (response.body as Uint8Array<ArrayBuffer>),
    encodedAsIs(headers, { status: response.status, headers }),
  );
}

function toHttpRequest(request: Request, body: Uint8Array | undefined): HttpRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    headers: fromWebHeaders(request.headers),
    body: body === undefined || body.byteLength === 0 ? undefined : body,
  };
}

/**
 * The whole protocol for one Web request: resolves with the `Response` to send (the handler's,
 * a replay or a problem), or rejects with the handler's own error or, with `problems: "throw"`,
 * the `OncelyError` for the app's error handling. The handler's response is held (body read up
 * to `maxBodyBytes`) until it is stored; a larger body streams on at once and is not stored.
 */
export async function handleWebRequest<Native>(
  http: HttpIdempotency<Native>,
  exchange: WebExchange<Native>,
  next: WebNext,
): Promise<Response> {
  const { request } = exchange;
  const { settings } = http;
  // Nothing to do without a covered method and a key (or a requirement for one): the body is
  // then never read, and the request costs a few lookups. Not when the key comes from the
  // user's `key` function (it may read the body), nor when an outer instance holds this
  // request's key (this one must take it over, or refuse a setting that differs from it).
  if (claimOf(exchange.carrier) === undefined) {
    const covered = settings.methods.has(request.method.toUpperCase());
    const keyless =
      settings.key === undefined && !settings.required && !request.headers.has(settings.header);
    if (!covered || keyless) return next(undefined);
  }
  const body = await (exchange.readBody ?? (() => requestBytes(request)))();
  let handed: Promise<Response> | undefined;
  let original: Response | undefined;
  let rest: ReadableStream<Uint8Array> | undefined;
  let steppedAside = false;
  const downstream: Downstream = async (attempt) => {
    handed = next(attempt);
    const response = await handed;
    // An inner instance took the request over: its response is not this instance's to read.
    if (steppedAside) return { status: 500, headers: {}, body: EMPTY, complete: false };
    original = response;
    const read = await readBoundedStream(response.body, settings.maxBodyBytes);
    if (!read.complete) rest = read.stream;
    return {
      status: response.status,
      headers: fromWebHeaders(response.headers),
      body: read.body,
      complete: read.complete,
      unmatchedRoute: exchange.unmatchedRoute?.(response) === true,
    };
  };
  const decision = await http.handle(toHttpRequest(request, body), downstream, {
    native: exchange.native,
    ...(exchange.carrier ? { carrier: exchange.carrier } : {}),
    route: exchange.route,
    requestId: exchange.requestId,
    onStepAside: () => {
      steppedAside = true;
    },
  });
  switch (decision.action) {
    case 'pass':
      return next(undefined);
    case 'yielded':
      return handed as Promise<Response>;
    case 'throw':
      throw decision.error;
    case 'done': {
      const { status, statusText, headers } = original as Response;
      return new Response(rest ?? null, encodedAsIs(headers, { status, statusText, headers }));
    }
    case 'send': {
      if (decision.source !== 'live') return toWebResponse(decision.response);
      // The handler's own status line and headers, as it set them, with the bytes it sent.
      const { status, statusText, headers } = original as Response;
      const bytes = decision.response.body;
      const empty = bytes.byteLength === 0 || NO_CONTENT.has(status);
      // The bytes as read from the handler's body: already in its coding, if it has one.
      return new Response(
        empty ? null : (bytes as Uint8Array<ArrayBuffer>),
        encodedAsIs(headers, { status, statusText, headers }),
      );
    }
  }
}
