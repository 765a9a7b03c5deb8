import { ResultEncodingError } from './errors.js';

/** Turns a handler's result into the bytes a store keeps, and back. */
export interface ResultCodec {
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/*
 * Layout: "oc" magic, a format byte, a uint32 (big-endian) length of a JSON header, the
 * header, then the raw bytes of every Uint8Array in the value, back to back. Binary data is
 * therefore stored as it is, never inflated by base64.
 *
 * Format 2 is the fast path: the value is plain JSON data that JSON.stringify/parse carry
 * unchanged, so the header is the value itself and decoding is one JSON.parse. Format 1 is
 * the tagged form below, for everything else.
 *
 * The header is JSON in which a value JSON cannot carry is a tagged object `{"$": tag, ...}`:
 *   u undefined · d Date (ms) · b Uint8Array / B Buffer (offset, length into the tail)
 *   n NaN, ±Infinity, -0 · i bigint · o a plain object that itself has a "$" key (escaped)
 * Anything else that JSON would silently change (class instances, Map, Set, functions,
 * symbols, sparse arrays, cycles) is refused with the path where it was found.
 */
const MAGIC_0 = 0x6f; // 'o'
const MAGIC_1 = 0x63; // 'c'
const TAGGED = 1;
const PLAIN = 2;
const HEAD = 7;
/** Deeper than this, the fast-path check gives up and the tagged encoder (which finds cycles) runs. */
const PLAIN_DEPTH_LIMIT = 64;

/** True when JSON.stringify then JSON.parse gives back an equal value, with nothing tagged. */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > PLAIN_DEPTH_LIMIT) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (key === '$' || !isPlainJson((value as Record<string, unknown>)[key], depth + 1))
      return false;
  }
  return Object.getOwnPropertySymbols(value).length === 0;
}

/**
 * The record with its head and JSON header written, room left for `tailBytes`. A Buffer from
 * Node's pool for small records: a fresh ArrayBuffer per result costs the GC more than the
 * copy it saves.
 */
function frame(format: number, header: string, tailBytes: number): Buffer {
  const headerBytes = Buffer.byteLength(header, 'utf8');
  const bytes = Buffer.allocUnsafe(HEAD + headerBytes + tailBytes);
  bytes[0] = MAGIC_0;
  bytes[1] = MAGIC_1;
  bytes[2] = format;
  bytes.writeUInt32BE(headerBytes, 3);
  bytes.write(header, HEAD, 'utf8');
  return bytes;
}

type Tagged = { $: string; [field: string]: unknown };

/** Plain assignment of "__proto__" would set the prototype instead of a field. */
function setField(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    object[key] = value;
  }
}

export const defaultCodec: ResultCodec = {
  encode(value) {
    if (isPlainJson(value, 0)) return frame(PLAIN, JSON.stringify(value), 0);
    const blobs: Uint8Array[] = [];
    let blobBytes = 0;
    const seen = new Set<object>();

    const toJson = (item: unknown, path: string): unknown => {
      switch (typeof item) {
        case 'undefined':
          return { $: 'u' };
        case 'boolean':
        case 'string':
          return item;
        case 'number':
          if (Number.isFinite(item) && !Object.is(item, -0)) return item;
          return { $: 'n', v: String(Object.is(item, -0) ? '-0' : item) };
        case 'bigint':
          return { $: 'i', v: item.toString() };
        case 'object':
          break;
        default:
          throw new ResultEncodingError(path, `a ${typeof item} cannot be stored`);
      }
      if (item === null) return null;
      if (item instanceof Uint8Array) {
        const tag = Buffer.isBuffer(item) ? 'B' : 'b';
        if (Object.getPrototypeOf(item) !== Uint8Array.prototype && !Buffer.isBuffer(item)) {
          throw new ResultEncodingError(path, 'a Uint8Array subclass cannot be stored faithfully');
        }
        blobs.push(item);
        const entry = { $: tag, o: blobBytes, l: item.byteLength };
        blobBytes += item.byteLength;
        return entry;
      }
      if (item instanceof Date) {
        const time = item.getTime();
        if (Number.isNaN(time))
          throw new ResultEncodingError(path, 'an invalid Date cannot be stored');
        return { $: 'd', v: time };
      }
      if (seen.has(item)) throw new ResultEncodingError(path, 'the value is circular');
      seen.add(item);
      let out: unknown;
      if (Array.isArray(item)) {
        const array: unknown[] = new Array(item.length);
        for (let i = 0; i < item.length; i++) {
          if (!(i in item))
            throw new ResultEncodingError(`${path}[${i}]`, 'sparse arrays cannot be stored');
          array[i] = toJson(item[i], `${path}[${i}]`);
        }
        out = array;
      } else {
        const proto = Object.getPrototypeOf(item);
        if (proto !== Object.prototype && proto !== null) {
          const name = proto?.constructor?.name ?? 'object';
          throw new ResultEncodingError(
            path,
            `a ${name} cannot be stored; return plain data (or give a codec)`,
          );
        }
        if (Object.getOwnPropertySymbols(item).length > 0) {
          throw new ResultEncodingError(path, 'symbol-keyed properties cannot be stored');
        }
        const object: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(item))
          setField(object, key, toJson(field, `${path}.${key}`));
        out = '$' in object ? { $: 'o', v: object } : object;
      }
      seen.delete(item);
      return out;
    };

    const bytes = frame(TAGGED, JSON.stringify(toJson(value, 'result')), blobBytes);
    let offset = bytes.byteLength - blobBytes;
    for (const blob of blobs) {
      bytes.set(blob, offset);
      offset += blob.byteLength;
    }
    return bytes;
  },

  decode(bytes) {
    if (bytes.byteLength < HEAD || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {
      throw new ResultEncodingError(
        'result',
        'the stored bytes were not written by the oncely codec',
      );
    }
    const format = bytes[2];
    if (format !== TAGGED && format !== PLAIN) {
      throw new ResultEncodingError('result', `unknown codec format ${format}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getUint32(3);
    const tailStart = HEAD + headerLength;
    if (tailStart > bytes.byteLength)
      throw new ResultEncodingError('result', 'the stored bytes are truncated');
    const header = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset + HEAD, headerLength).toString('utf8'),
    );

    const fromJson = (item: unknown): unknown => {
      if (item === null || typeof item !== 'object') return item;
      if (Array.isArray(item)) return item.map(fromJson);
      const tagged = item as Tagged;
      if (!('$' in tagged)) {
        const object: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(tagged)) setField(object, key, fromJson(field));
        return object;
      }
      switch (tagged.$) {
        case 'u':
          return undefined;
        case 'd':
          return new Date(tagged.v as number);
        case 'n':
          return tagged.v === '-0' ? -0 : Number(tagged.v);
        case 'i':
          return BigInt(tagged.v as string);
        case 'o': {
          const object: Record<string, unknown> = {};
          for (const [key, field] of Object.entries(tagged.v as object))
            setField(object, key, fromJson(field));
          return object;
        }
        case 'b':
        case 'B': {
          const start = tailStart + (tagged.o as number);
          const end = start + (tagged.l as number);
          if (end > bytes.byteLength)
            throw new ResultEncodingError('result', 'the stored bytes are truncated');
          // Copy so the caller owns its bytes and never aliases the store's buffer. Stores may
          // hand over a Buffer, whose slice() is a view and makes Buffers: copy explicitly.
          const copy = new Uint8Array(end - start);
          copy.set(bytes.subarray(start, end));
          return tagged.$ === 'B'
            ? Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength)
            : copy;
        }
        default:
          throw new ResultEncodingError('result', `unknown tag ${JSON.stringify(tagged.$)}`);
      }
    };
    return fromJson(header);
  },
};
