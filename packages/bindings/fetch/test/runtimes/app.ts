import type { Store } from '@oncely/core';
import { type FetchIdempotencyOptions, withIdempotency } from '@oncely/fetch';
import { MemoryStore } from '@oncely/memory';

/**
 * The scenario route as it runs inside another runtime (Bun, workerd): @oncely/fetch with a
 * store in that runtime (a memory store unless another is given), and a handler that asks the test process's scenario app what to
 * answer (so the test counts the handler's runs where it can see them). Only Web APIs here.
 */
export interface Envelope {
  status: number;
  headers: [string, string][];
  body: { kind: 'bytes'; base64: string } | { kind: 'stream'; size: number } | { kind: 'none' };
}

const STREAM_CHUNK = 16 * 1024;

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** The stream route's bytes (`index % 251`), made here so they stream from this runtime. */
function streamOf(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(STREAM_CHUNK, size - sent));
      for (let i = 0; i < chunk.length; i++) chunk[i] = (sent + i) % 251;
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

export function scenarioFetch(
  backend: string,
  options: Omit<FetchIdempotencyOptions, 'store'>,
  store: Store = new MemoryStore(),
): (request: Request) => Promise<Response> {
  const route = withIdempotency(
    async (request) => {
      const url = new URL(request.url);
      const body = new Uint8Array(await request.arrayBuffer());
      const asked = await fetch(`${backend}${url.pathname}${url.search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          method: request.method,
          headers: [...request.headers],
          body: body.byteLength > 0 ? toBase64(body) : null,
        }),
      });
      const reply = (await asked.json()) as Envelope;
      const headers = new Headers();
      for (const [name, value] of reply.headers) headers.append(name, value);
      const content =
        reply.body.kind === 'bytes'
          ? fromBase64(reply.body.base64)
          : reply.body.kind === 'stream'
            ? streamOf(reply.body.size)
            : null;
      // Pre-encoded bytes go out as they are (workerd would otherwise encode them again).
      const init = { status: reply.status, headers, encodeBody: 'manual' };
      return new Response(content, init as ResponseInit);
    },
    { ...options, store },
  );
  return async (request) =>
    /^\/r\/[^/]+$/.test(new URL(request.url).pathname)
      ? route(request)
      : new Response('Not Found', { status: 404 });
}

export { fromBase64, toBase64 };
