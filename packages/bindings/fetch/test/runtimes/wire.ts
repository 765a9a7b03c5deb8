import * as core from '@oncely/core';

/**
 * What crosses between the test process and the server in another runtime: JSON, with bytes
 * and errors spelled out so they arrive as they left (a `Uint8Array` as bytes, an error with
 * its class, message, stack, cause and own fields such as `code`, `status` or `field`, a
 * `Request` as its method, URL and headers).
 */
export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, name, plain) {
    const raw = this[name];
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString('base64') };
    if (raw instanceof Error) {
      const { name: kind, message, stack, cause } = raw;
      return { $error: { ...raw, name: kind, message, stack, cause } };
    }
    if (raw instanceof Request) {
      // The native request a `scope` or `key` function gets; its body was read already.
      return { $request: { method: raw.method, url: raw.url, headers: [...raw.headers] } };
    }
    if (raw === undefined && Array.isArray(this)) return { $undefined: true };
    return plain;
  });
}

export function decode<T = unknown>(text: string): T {
  return JSON.parse(text, (_, value) => {
    if (typeof value !== 'object' || value === null) return value;
    if (typeof value.$bytes === 'string') return Buffer.from(value.$bytes, 'base64');
    if (value.$undefined === true) return undefined;
    if (typeof value.$error === 'object') return rebuildError(value.$error);
    if (typeof value.$request === 'object') return new Request(value.$request.url, value.$request);
    return value;
  }) as T;
}

/** An error of core's own class when it names one (so `instanceof InvalidKeyError` holds). */
function rebuildError(fields: Record<string, unknown>): Error {
  const name = String(fields.name);
  const named =
    (core as Record<string, unknown>)[name] ?? (globalThis as Record<string, unknown>)[name];
  const isErrorClass = typeof named === 'function' && named.prototype instanceof Error;
  const prototype = isErrorClass ? (named as { prototype: Error }).prototype : Error.prototype;
  const error = Object.create(prototype) as Error;
  for (const [field, value] of Object.entries(fields)) {
    // As on a thrown error: message and stack are not enumerable, the class's fields are.
    const enumerable = !['name', 'message', 'stack', 'cause'].includes(field);
    if (value !== undefined) {
      Object.defineProperty(error, field, {
        value,
        writable: true,
        enumerable,
        configurable: true,
      });
    }
  }
  return error;
}
