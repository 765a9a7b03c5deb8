/** What `readBoundedStream` read: the whole body, or the part read and the rest to stream on. */
export type BoundedStreamRead =
  /** The whole body, within the limit. */
  | { complete: true; body: Uint8Array }
  /** Past the limit: `body` is what was read, `stream` yields it again followed by the rest. */
  | { complete: false; body: Uint8Array; stream: ReadableStream<Uint8Array> };

const EMPTY = new Uint8Array(0);

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Read a Web `ReadableStream` (a `Response`'s body) up to `limit` bytes, on Web Streams alone,
 * so it runs wherever `Response` does (Node, Bun, Deno, workerd). A body that ends within the
 * limit comes back as bytes; one that does not comes back as a new stream that starts with what
 * was read and pulls the rest of the original on demand, never holding more than `limit`.
 */
export async function readBoundedStream(
  source: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<BoundedStreamRead> {
  if (source === null) return { complete: true, body: EMPTY };
  const reader = source.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const step = await reader.read();
    if (step.done) return { complete: true, body: size === 0 ? EMPTY : concat(chunks, size) };
    if (step.value.byteLength === 0) continue;
    chunks.push(step.value);
    size += step.value.byteLength;
    if (size > limit) break;
  }
  const head = chunks.slice();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const held = head.shift();
      if (held) return controller.enqueue(held);
      const step = await reader.read();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    // A client that goes away must not leave the handler's stream open.
    cancel: (reason) => reader.cancel(reason),
  });
  return { complete: false, body: concat(chunks, size), stream };
}
