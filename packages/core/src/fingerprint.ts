import { createHash } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, numbers in
 * ECMAScript's shortest form, -0 as 0, `undefined` properties left out as JSON does. Bytes
 * (Uint8Array/Buffer) inside a value are written as `b"<base64>"`, a form no JSON text can
 * take, so they never collide with a string. Values that have no canonical form (NaN,
 * Infinity, bigint, functions, symbols, cycles, class instances) are refused.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new InvalidArgumentError(
          `request${path.slice(1)}`,
          `${value} has no canonical JSON form`,
        );
      }
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new InvalidArgumentError(
        `request${path.slice(1)}`,
        `a ${typeof value} cannot be fingerprinted`,
      );
  }
  const object = value as object;
  if (object instanceof Uint8Array)
    return `b"${Buffer.from(object.buffer, object.byteOffset, object.byteLength).toString('base64')}"`;
  if (seen.has(object)) throw new InvalidArgumentError(`request${path.slice(1)}`, 'is circular');
  seen.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = `[${object.map((item, i) => (item === undefined ? 'null' : write(item, `${path}[${i}]`, seen))).join(',')}]`;
  } else if (object instanceof Date) {
    out = JSON.stringify(object.toJSON());
  } else {
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidArgumentError(
        `request${path.slice(1)}`,
        `a ${proto?.constructor?.name ?? 'class'} instance cannot be fingerprinted; pass plain data`,
      );
    }
    const record = object as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`, seen)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(object);
  return out;
}

/**
 * SHA-256 fingerprint of what identifies a request. Bytes and strings are hashed as they are;
 * anything else as canonical JSON. Each form is tagged so bytes never equal a JSON value.
 */
export function fingerprint(request: unknown): string {
  const hash = createHash('sha256');
  if (request instanceof Uint8Array) hash.update('bytes\0').update(request);
  else if (typeof request === 'string') hash.update('text\0').update(request, 'utf8');
  else hash.update('json\0').update(canonicalJson(request), 'utf8');
  return hash.digest('hex');
}
