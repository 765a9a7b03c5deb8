import type { ContentDecoders } from './content-coding.js';

async function decompress(
  bytes: Uint8Array,
  format: 'gzip' | 'deflate' | 'deflate-raw',
): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Content decoders on the Web's `DecompressionStream` (Node 18+, Bun, Deno, workerd without
 * `nodejs_compat`): gzip and deflate. It has no Brotli, so a `br` replay to a client that does
 * not accept br is answered 406 with these; give `br` a decoder of your own where you have one.
 */
export const webContentDecoders: ContentDecoders = {
  gzip: (bytes) => decompress(bytes, 'gzip'),
  // HTTP's "deflate" is the zlib format; some servers send raw deflate, which is tried next.
  deflate: (bytes) => decompress(bytes, 'deflate').catch(() => decompress(bytes, 'deflate-raw')),
};
