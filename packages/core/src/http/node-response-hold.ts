import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { BodyCollector, toBuffer } from './body-capture.js';
import type { CapturedResponse, HttpHeaders, HttpResponse } from './types.js';

type Callback = (error?: Error | null) => void;
type Intercepted = 'writeHead' | 'write' | 'end';
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;
const INTERCEPTED: readonly Intercepted[] = ['writeHead', 'write', 'end'];

/**
 * For bindings on Node's `http.ServerResponse` (Express, Nest on either platform): holds what the
 * handler sends instead of writing it: `writeHead`, `write` and `end` are
 * intercepted until the response is stored, then `deliver` writes it for real. A body that grows
 * past `limit` stops being held: what was held is written and the rest streams straight through.
 */
export class ResponseHold {
  private readonly collector: BodyCollector;
  private endCallback: Callback | undefined;
  private settle: ((complete: boolean) => void) | undefined;
  /** How the methods were intercepted, to undo it. */
  private undo: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    limit: number,
    /** Whether what was sent is the framework's answer to a request no route matched. */
    private readonly unmatched: () => boolean,
  ) {
    this.collector = new BodyCollector(limit);
  }

  /** Intercept the response, call `proceed` (the rest of the chain) and resolve with what it sent. */
  capture(proceed: () => void): Promise<CapturedResponse> {
    const { res, collector } = this;
    return new Promise<CapturedResponse>((resolve) => {
      this.settle = (complete: boolean) => {
        resolve({
          status: res.statusCode,
          headers: res.getHeaders() as HttpHeaders,
          body: collector.bytes(),
          complete,
          unmatchedRoute: this.unmatched(),
        });
      };
      this.intercept();
      // A client that disconnects does not cancel the operation: the handler runs on, and what it
      // sends is stored for the retry. Failing the capture here would release the key while the
      // handler still runs, and the retry would run it a second time.
      proceed();
    });
  }

  /**
   * Write `response` for real. The live response's status and headers are on the response
   * already (the handler set them while it was held): only its body is still to go.
   */
  deliver(response: HttpResponse, live: boolean): void {
    this.restore();
    if (live) {
      if (!this.res.headersSent) this.res.end(toBuffer(response.body), this.endCallback);
      return;
    }
    writeResponse(this.res, response, this.endCallback);
  }

  restore(): void {
    this.undo?.();
    this.undo = undefined;
  }

  writeHead([status, ...rest]: unknown[]): ServerResponse {
    const { res } = this;
    res.statusCode = status as number;
    if (typeof rest[0] === 'string') res.statusMessage = rest[0];
    applyHeaders(res, typeof rest[0] === 'string' ? rest[1] : rest[0]);
    return res;
  }

  write([chunk, encoding, callback]: unknown[]): boolean {
    const cb = typeof encoding === 'function' ? encoding : callback;
    const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
    if (!this.collector.add(chunk, enc)) this.streamOn();
    if (typeof cb === 'function') process.nextTick(cb as Callback);
    return true;
  }

  end([chunk, encoding, callback]: unknown[]): ServerResponse {
    const { res } = this;
    const cb = [chunk, encoding, callback].find((arg) => typeof arg === 'function') as
      | Callback
      | undefined;
    const data = typeof chunk === 'function' ? undefined : chunk;
    const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
    if (!this.collector.add(data, enc)) {
      this.streamOn();
      res.end(cb);
      return res;
    }
    this.endCallback = cb;
    this.settle?.(true);
    return res;
  }

  /** Past the limit: write what was held and let the rest stream straight through. */
  private streamOn(): void {
    this.restore();
    for (const chunk of this.collector.held()) this.res.write(chunk);
    this.settle?.(false);
  }

  /**
   * Own methods on the response, which nothing in between can bypass: a mounted sub-app resets
   * the response's prototype (so a swapped prototype would be lost), and a middleware that put
   * its own write/end on the response earlier (compression does) is shadowed in turn, so what
   * the handler writes is held before it reaches it.
   */
  private intercept(): void {
    const own = this.res as unknown as Record<Intercepted, Method>;
    const { writeHead, write, end } = own;
    const shadowed = INTERCEPTED.some((name) => Object.hasOwn(own, name));
    // Named stores, undone by deleting in reverse order when the response had none of its own,
    // so it leaves with no own methods of ours. V8 rolls such a delete back to the previous
    // hidden class only while ours are the last properties added; a handler usually adds more
    // (Node keeps `statusCode` on the prototype until it is set), and the response then becomes
    // a dictionary object. Storing the prototype's methods back instead keeps it fast, but
    // measured no different over Express + memory (server CPU per first execution ×1.00 and
    // ×0.97 in two runs of 20 alternating pairs) and would shadow a prototype set later, so the
    // deletes stay. A loop of keyed stores and an `Object.assign` to undo them was the largest
    // JavaScript function in an Express CPU profile and left every response with a second shape.
    own.writeHead = (...args: unknown[]) => this.writeHead(args);
    own.write = (...args: unknown[]) => this.write(args);
    own.end = (...args: unknown[]) => this.end(args);
    this.undo = shadowed
      ? () => {
          own.writeHead = writeHead;
          own.write = write;
          own.end = end;
        }
      : () => {
          delete (own as Partial<typeof own>).end;
          delete (own as Partial<typeof own>).write;
          delete (own as Partial<typeof own>).writeHead;
        };
  }
}

/** Write a whole response (unless one was already sent). */
export function writeResponse(
  res: ServerResponse,
  response: HttpResponse,
  callback?: Callback,
): void {
  if (res.headersSent) return;
  res.statusCode = response.status;
  for (const name in response.headers)
    res.setHeader(name, response.headers[name] as string | string[]);
  res.end(toBuffer(response.body), callback);
}

function applyHeaders(res: ServerResponse, headers: unknown): void {
  if (!headers) return;
  if (Array.isArray(headers)) {
    // writeHead takes [[name, value], ...] or a flat [name, value, name, value, ...].
    if (Array.isArray(headers[0])) {
      for (const [name, value] of headers as [string, string][]) res.appendHeader(name, value);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) res.appendHeader(headers[i], headers[i + 1]);
    }
    return;
  }
  for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
    if (value !== undefined) res.setHeader(name, value);
  }
}
