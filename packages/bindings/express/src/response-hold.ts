import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  BodyCollector,
  type CapturedResponse,
  type HttpHeaders,
  type HttpResponse,
  toBuffer,
} from '@oncely/core';

type Callback = (error?: Error | null) => void;

/**
 * Holds what the handler sends instead of writing it: `writeHead`, `write` and `end` are
 * intercepted until the response is stored, then `deliver` writes it for real. A body that grows
 * past `limit` stops being held: what was held is written and the rest streams straight through.
 */
export class ResponseHold {
  private readonly collector: BodyCollector;
  private readonly saved: Pick<ServerResponse, 'writeHead' | 'write' | 'end'>;
  private endCallback: Callback | undefined;

  constructor(
    private readonly res: ServerResponse,
    limit: number,
  ) {
    this.collector = new BodyCollector(limit);
    this.saved = { writeHead: res.writeHead, write: res.write, end: res.end };
  }

  /** Intercept the response, call `proceed` (the rest of the chain) and resolve with what it sent. */
  capture(proceed: () => void): Promise<CapturedResponse> {
    const { res, collector } = this;
    return new Promise<CapturedResponse>((resolve) => {
      const settle = (complete: boolean) => {
        resolve({
          status: res.statusCode,
          headers: res.getHeaders() as HttpHeaders,
          body: collector.bytes(),
          complete,
        });
      };
      const streamOn = () => {
        this.restore();
        for (const chunk of collector.held()) res.write(chunk);
        settle(false);
      };
      res.writeHead = ((status: number, ...rest: unknown[]) => {
        res.statusCode = status;
        if (typeof rest[0] === 'string') res.statusMessage = rest[0];
        const headers = typeof rest[0] === 'string' ? rest[1] : rest[0];
        applyHeaders(res, headers);
        return res;
      }) as ServerResponse['writeHead'];
      res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
        const cb = typeof encoding === 'function' ? encoding : callback;
        const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
        if (!collector.add(chunk, enc)) streamOn();
        if (typeof cb === 'function') process.nextTick(cb as Callback);
        return true;
      }) as ServerResponse['write'];
      res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
        const cb = [chunk, encoding, callback].find((arg) => typeof arg === 'function') as
          | Callback
          | undefined;
        const data = typeof chunk === 'function' ? undefined : chunk;
        const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
        if (!collector.add(data, enc)) {
          streamOn();
          res.end(cb);
          return res;
        }
        this.endCallback = cb;
        settle(true);
        return res;
      }) as ServerResponse['end'];
      // A client that disconnects does not cancel the operation: the handler runs on, and what it
      // sends is stored for the retry. Failing the capture here would release the key while the
      // handler still runs, and the retry would run it a second time.
      proceed();
    });
  }

  /** Write `response` for real: the held live response, a replay or a problem. */
  deliver(response: HttpResponse): void {
    this.restore();
    writeResponse(this.res, response, this.endCallback);
  }

  restore(): void {
    Object.assign(this.res, this.saved);
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
