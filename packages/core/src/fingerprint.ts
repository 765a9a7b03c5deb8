import * as crypto from 'node:crypto';
import { InvalidArgumentError, RequestTooDeepError } from './errors.js';

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, numbers in
 * ECMAScript's shortest form, -0 as 0, `undefined` properties left out as JSON does. Bytes
 * (Uint8Array/Buffer) inside a value are written as `b"<base64>"`, a form no JSON text can
 * take, so they never collide with a string. Values that have no canonical form (NaN,
 * Infinity, bigint, functions, symbols, cycles, class instances) are refused, and so is a value
 * nested deeper than `MAX_FINGERPRINT_DEPTH` (`RequestTooDeepError`).
 */
export function canonicalJson(value: unknown): string {
  return canonicalJsonAt(value, 0);
}

/**
 * `canonicalJson` of a value that sits `depth` levels down in a larger one whose outer levels
 * the caller writes itself (requestFingerprint): the same text as that value takes inside the
 * whole, and the same depth bound, counted from the whole.
 */
export function canonicalJsonAt(value: unknown, depth: number): string {
  // Plain JSON data (what a request body parser hands over) is written by JSON.stringify, with
  // its objects' keys in canonical order: the same text as the walk below builds, at a fraction
  // of its cost (one string instead of one per value). Anything JSON.stringify would write
  // otherwise goes the long way, which also says why it is refused.
  const sorted = sortedForJson(value, depth);
  if (sorted !== UNFIT) return JSON.stringify(sorted);
  return write(value, depth);
}

/**
 * How many levels of objects and arrays a fingerprint walks. The walk recurses, and a JSON body
 * of 5 000 nested arrays is 10 KB that every framework's parser accepts: without a bound it
 * overflows the stack. Real request bodies are a few levels deep; 256 leaves room for any of
 * them and keeps the walk far from the stack's end however deep the caller already is. A plain
 * comparison per object, so the normal case pays nothing measurable.
 */
export const MAX_FINGERPRINT_DEPTH = 256;

/**
 * Objects and arrays are tracked for cycles only below this depth: a cycle recurses forever,
 * so it always gets here and is caught on its next turn, while the shallow values requests
 * carry skip the bookkeeping.
 */
const TRACK_CYCLES_FROM_DEPTH = 32;

const UNFIT: unique symbol = Symbol('unfit');

/**
 * `value` with every object's keys in canonical order (itself where they are already: most
 * are), or `UNFIT` when JSON.stringify would not write its canonical form: bytes, numbers with
 * no JSON form, class instances and Dates (toJSON), functions, symbols, bigints, a `__proto__`
 * key (a copy would turn it into the prototype) or a depth where cycles must be looked for.
 */
function sortedForJson(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : UNFIT;
    case 'object':
      if (value === null) return value;
      break;
    default:
      return UNFIT;
  }
  if (depth >= TRACK_CYCLES_FROM_DEPTH) return UNFIT;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) continue;
      const sorted = sortedForJson(item, depth + 1);
      if (sorted === UNFIT) return UNFIT;
      if (sorted !== item) {
        copy ??= value.slice();
        copy[i] = sorted;
      }
    }
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return UNFIT;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let inOrder = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    // An object writes index-like keys ("2", "10") first, in numeric order, whatever the order
    // they were added in; and a `__proto__` key added to a copy would become its prototype.
    if (isDigit(key.charCodeAt(0)) || key === '__proto__') return UNFIT;
    if (i > 0 && (keys[i - 1] as string) > key) inOrder = false;
  }
  if (!inOrder) sortInPlace(keys);
  // A copy only when the keys are out of order or a value below had to be copied.
  let copy: Record<string, unknown> | undefined = inOrder ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = record[key];
    if (item === undefined) continue;
    const sorted = sortedForJson(item, depth + 1);
    if (sorted === UNFIT) return UNFIT;
    if (copy === undefined && sorted !== item) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j] as string] = record[keys[j] as string];
    }
    if (copy !== undefined) copy[key] = sorted;
  }
  return copy ?? value;
}

/** UTF-16 code unit order, as `sort()` gives; an insertion sort for the few keys of most objects allocates nothing. */
function sortInPlace(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Where in the request a bad value sits. Paths are built only when one is refused: building
 * them for every node would cost more than the hashing on the hot path.
 */
class Refusal {
  readonly path: string[] = [];
  constructor(readonly reason: string) {}
}

function write(value: unknown, depth: number): string {
  try {
    return writeValue(value, depth, undefined);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    throw new InvalidArgumentError(`request${error.path.reverse().join('')}`, error.reason);
  }
}

/** Write a child value, adding its place to the path of a refusal on the way out. */
function writeChild(
  value: unknown,
  depth: number,
  seen: Set<object> | undefined,
  segment: string | number,
): string {
  try {
    return writeValue(value, depth, seen);
  } catch (error) {
    if (error instanceof Refusal)
      error.path.push(typeof segment === 'number' ? `[${segment}]` : `.${segment}`);
    throw error;
  }
}

function writeValue(value: unknown, depth: number, seen: Set<object> | undefined): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(`${value} has no canonical JSON form`);
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      break;
    default:
      throw new Refusal(`a ${typeof value} cannot be fingerprinted`);
  }
  const object = value as object;
  if (object instanceof Uint8Array) {
    return `b"${Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64')}"`;
  }
  if (depth >= MAX_FINGERPRINT_DEPTH) throw new RequestTooDeepError(MAX_FINGERPRINT_DEPTH);
  if (depth >= TRACK_CYCLES_FROM_DEPTH) {
    seen ??= new Set();
    if (seen.has(object)) throw new Refusal('is circular');
    seen.add(object);
  }
  let out: string;
  if (Array.isArray(object)) {
    out = '[';
    for (let i = 0; i < object.length; i++) {
      const item = object[i];
      if (i > 0) out += ',';
      out += item === undefined ? 'null' : writeChild(item, depth + 1, seen, i);
    }
    out += ']';
  } else if (object instanceof Date) {
    out = JSON.stringify(object.toJSON());
  } else {
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      throw new Refusal(
        `a ${proto?.constructor?.name ?? 'class'} instance cannot be fingerprinted; pass plain data`,
      );
    }
    const record = object as Record<string, unknown>;
    out = '{';
    let first = true;
    for (const key of sortedKeys(record)) {
      const item = record[key];
      if (item === undefined) continue;
      out += `${first ? '' : ','}${JSON.stringify(key)}:${writeChild(item, depth + 1, seen, key)}`;
      first = false;
    }
    out += '}';
  }
  seen?.delete(object);
  return out;
}

/** Keys in UTF-16 code unit order; most objects already are, and sorting allocates. */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) return keys.sort();
  }
  return keys;
}

type OneShotHash = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string;
// `crypto.hash` (Node >= 20.12) hashes in one call, without a Hash object per request.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

function sha256Hex(parts: Array<string | Uint8Array>): string {
  if (oneShot && parts.length === 1)
    return oneShot('sha256', parts[0] as string | Uint8Array, 'hex');
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/**
 * SHA-256 fingerprint of what identifies a request. Bytes and strings are hashed as they are;
 * anything else as canonical JSON. Each form is tagged so bytes never equal a JSON value.
 */
export function fingerprint(request: unknown): string {
  if (request instanceof Uint8Array) return sha256Hex(['bytes\0', request]);
  if (typeof request === 'string') return sha256Hex([`text\0${request}`]);
  return fingerprintOfJson(canonicalJson(request));
}

/** The fingerprint of data whose canonical JSON text is `json` (as `fingerprint(data)` gives). */
export function fingerprintOfJson(json: string): string {
  return sha256Hex([`json\0${json}`]);
}
