import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { ContentDecoders } from './content-coding.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

const view = (buffer: Buffer): Uint8Array =>
  new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/**
 * Node's zlib, off the event loop's thread. The only Node-only import of content-coding: a
 * runtime without node:zlib hands `replayForClient` its own decoders (e.g. DecompressionStream).
 */
export const nodeContentDecoders: ContentDecoders = {
  gzip: async (bytes) => view(await gunzip(bytes)),
  // HTTP's "deflate" is the zlib format; some servers send raw deflate, which is tried next.
  deflate: async (bytes) => view(await inflate(bytes).catch(() => inflateRaw(bytes))),
  br: async (bytes) => view(await brotli(bytes)),
};
