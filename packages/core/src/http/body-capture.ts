import { Readable } from 'node:stream';

/** Turns whatever a framework writes (strings, Buffers, typed arrays) into a Buffer. */
export function toBuffer(chunk: unknown, encoding?: BufferEncoding): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding ?? 'utf8');
  if (chunk === undefined || chunk === null) return Buffer.alloc(0);
  throw new TypeError(`cannot send a ${typeof chunk} as a response body chunk`);
}

/**
 * Holds response body chunks up to `limit` bytes. `add` answers `false` once the body has grown
 * past the limit: from then on the binding streams instead of holding, so memory stays bounded.
 */
export class BodyCollector {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(readonly limit: number) {}

  /** Keep `chunk`; `false` when the total is now past the limit (the chunk is still kept). */
  add(chunk: unknown, encoding?: BufferEncoding): boolean {
    const buffer = toBuffer(chunk, encoding);
    if (buffer.byteLength > 0) {
      this.chunks.push(buffer);
      this.size += buffer.byteLength;
    }
    return this.size <= this.limit;
  }

  get byteLength(): number {
    return this.size;
  }

  /** The chunks held so far, in order (for writing them out once streaming starts). */
  held(): readonly Buffer[] {
    return this.chunks;
  }

  bytes(): Uint8Array {
    // Most bodies are written in one piece: held as it is, not copied.
    if (this.chunks.length === 1) return this.chunks[0] as Buffer;
    const all = Buffer.concat(this.chunks, this.size);
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  }
}

export type BoundedRead =
  /** The whole stream, within the limit. */
  | { complete: true; body: Uint8Array }
  /** Past the limit: `body` is what was read, `stream` yields it again followed by the rest. */
  | { complete: false; body: Uint8Array; stream: Readable };

/**
 * Read a response stream up to `limit` bytes. A stream that ends within the limit is returned
 * as bytes; one that does not is handed back as a new stream that starts with what was read and
 * continues with the rest of the original, unbuffered, so it can be sent as it is.
 */
export async function readBounded(
  source: AsyncIterable<unknown>,
  limit: number,
): Promise<BoundedRead> {
  const iterator = source[Symbol.asyncIterator]();
  const collector = new BodyCollector(limit);
  for (;;) {
    const step = await iterator.next();
    if (step.done) return { complete: true, body: collector.bytes() };
    if (!collector.add(step.value)) break;
  }
  const head = [...collector.held()];
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const step = await iterator.next();
      if (step.done) return;
      yield toBuffer(step.value);
    }
  }
  const stream = Readable.from(rest(), { objectMode: false });
  // A client that goes away must not leave the source open.
  stream.once('close', () => {
    void iterator.return?.();
  });
  return { complete: false, body: collector.bytes(), stream };
}
