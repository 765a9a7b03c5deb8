import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

/** The value of the `resultEncoding` attribute for brotli-compressed results. */
export const BROTLI = 'br';

export interface StoredResult {
  bytes: Uint8Array;
  /** `'br'` when `bytes` is brotli-compressed; undefined for the raw result. */
  encoding: typeof BROTLI | undefined;
}

/**
 * The form a result is stored in: compressed when it is larger than `compressAboveBytes` and
 * compression actually makes it smaller (random or already-compressed data is kept raw).
 * Quality 5 is brotli's usual speed/size middle ground; the top levels are far slower for a
 * few percent.
 */
export async function encodeResult(
  result: Uint8Array,
  compressAboveBytes: number,
): Promise<StoredResult> {
  if (result.byteLength <= compressAboveBytes) return { bytes: result, encoding: undefined };
  const compressed = await compress(result, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: result.byteLength,
    },
  });
  if (compressed.byteLength >= result.byteLength) return { bytes: result, encoding: undefined };
  return { bytes: compressed, encoding: BROTLI };
}

/**
 * The result as it was given to `complete`. `maxBytes` bounds the output, so a corrupted or
 * foreign item cannot make a read inflate without limit.
 */
export async function decodeResult(
  bytes: Uint8Array,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Uint8Array> {
  if (encoding === undefined) return bytes;
  if (encoding === BROTLI) return decompress(bytes, { maxOutputLength: maxBytes });
  throw new Error(`oncely: the stored result has an unknown encoding "${encoding}"`);
}
