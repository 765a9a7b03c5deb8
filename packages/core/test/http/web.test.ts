import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  createHttpIdempotency,
  handleWebRequest,
  InvalidArgumentError,
  readBoundedStream,
  webContentDecoders,
} from '../../src/index.js';
import { MemoryStore } from '../support/memory.js';

function chunks(...parts: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(new Uint8Array(part));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<number[]> {
  return [...new Uint8Array(await new Response(stream).arrayBuffer())];
}

describe('readBoundedStream', () => {
  it('returns a body within the limit as bytes', async () => {
    const read = await readBoundedStream(chunks([1, 2], [3]), 3);
    expect(read.complete).toBe(true);
    expect([...read.body]).toEqual([1, 2, 3]);
  });

  it('past the limit hands back a stream of everything, read so far first', async () => {
    const read = await readBoundedStream(chunks([1, 2], [3, 4], [5]), 3);
    expect(read.complete).toBe(false);
    expect([...read.body]).toEqual([1, 2, 3, 4]);
    if (read.complete) throw new Error('unreachable');
    expect(await all(read.stream)).toEqual([1, 2, 3, 4, 5]);
  });

  it('cancelling the handed-back stream cancels the source', async () => {
    let cancelled: unknown;
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(8));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const read = await readBoundedStream(source, 4);
    if (read.complete) throw new Error('expected a partial read');
    await read.stream.cancel('client gone');
    expect(cancelled).toBe('client gone');
  });
});

describe('content decoders', () => {
  const plain = new TextEncoder().encode('{"order":1}'.repeat(20));

  it.each([
    ['gzip', gzipSync(plain)],
    ['deflate', deflateSync(plain)],
    ['deflate', deflateRawSync(plain)],
  ])('webContentDecoders undo %s with DecompressionStream', async (coding, encoded) => {
    const decode = webContentDecoders[coding] as (bytes: Uint8Array) => Promise<Uint8Array>;
    expect(Buffer.from(await decode(encoded)).equals(Buffer.from(plain))).toBe(true);
  });

  it('a replay uses the decoders given in the options', async () => {
    const reverse = async (bytes: Uint8Array) => new Uint8Array([...bytes].reverse());
    const http = createHttpIdempotency<Request>({
      store: new MemoryStore(),
      contentDecoders: { 'X-Rev': reverse },
    });
    let runs = 0;
    const send = (acceptEncoding: string) => {
      const request = new Request('http://x/orders', {
        method: 'POST',
        headers: { 'idempotency-key': 'k1', 'accept-encoding': acceptEncoding },
      });
      return handleWebRequest(http, { request, native: request }, async () => {
        runs++;
        return new Response(new Uint8Array([3, 2, 1]), {
          status: 201,
          headers: { 'content-encoding': 'x-rev' },
        });
      });
    };
    const live = await send('x-rev');
    expect([...new Uint8Array(await live.arrayBuffer())]).toEqual([3, 2, 1]);
    const replay = await send('identity');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('content-encoding')).toBeNull();
    expect([...new Uint8Array(await replay.arrayBuffer())]).toEqual([1, 2, 3]);
    expect(runs).toBe(1);
  });

  it('refuses decoders that are not functions', () => {
    expect(() =>
      createHttpIdempotency({
        store: new MemoryStore(),
        contentDecoders: { gzip: 'zlib' as never },
      }),
    ).toThrow(InvalidArgumentError);
  });
});
