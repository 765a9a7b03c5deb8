import { describe, expect, it } from 'vitest';
import { defaultCodec, ResultEncodingError } from '../src/index.js';

const roundTrip = (value: unknown) => defaultCodec.decode(defaultCodec.encode(value));

describe('defaultCodec', () => {
  it('round-trips plain JSON data', () => {
    const value = {
      id: 'ch_1',
      amount: 100,
      ok: true,
      tags: ['a', 'é', '😀'],
      nested: { n: null },
    };
    expect(roundTrip(value)).toEqual(value);
  });

  it('keeps undefined apart from null, at the top and inside', () => {
    expect(roundTrip(undefined)).toBeUndefined();
    const decoded = roundTrip({ a: undefined, b: null, list: [undefined, null] }) as Record<
      string,
      unknown
    >;
    expect(Object.hasOwn(decoded, 'a')).toBe(true);
    expect(decoded.a).toBeUndefined();
    expect(decoded.b).toBeNull();
    expect(decoded.list).toEqual([undefined, null]);
  });

  it('keeps Dates, bigints and special numbers', () => {
    const when = new Date('2026-11-24T12:00:00.123Z');
    const decoded = roundTrip({
      when,
      big: 2n ** 70n,
      nan: Number.NaN,
      inf: -Infinity,
      negZero: -0,
    }) as Record<string, unknown>;
    expect(decoded.when).toBeInstanceOf(Date);
    expect((decoded.when as Date).getTime()).toBe(when.getTime());
    expect(decoded.big).toBe(2n ** 70n);
    expect(decoded.nan).toBeNaN();
    expect(decoded.inf).toBe(-Infinity);
    expect(Object.is(decoded.negZero, -0)).toBe(true);
  });

  it('stores bytes raw (no base64) and gives back the same kind', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const big = new Uint8Array(100_000).fill(7);
    const encoded = defaultCodec.encode({ all, buf: Buffer.from([0xff, 0xfe]), big });
    expect(encoded.byteLength).toBeLessThan(100_256 + 200);
    const decoded = defaultCodec.decode(encoded) as Record<string, Uint8Array>;
    expect(decoded.all).toEqual(all);
    expect(Buffer.isBuffer(decoded.all)).toBe(false);
    expect(Buffer.isBuffer(decoded.buf)).toBe(true);
    expect([...(decoded.buf as Uint8Array)]).toEqual([0xff, 0xfe]);
    expect(decoded.big).toEqual(big);
  });

  it('gives back the same kind and a copy when the store hands over a Buffer (Redis, memory)', () => {
    const encoded = Buffer.from(defaultCodec.encode({ raw: new Uint8Array([0, 255]) }));
    const decoded = defaultCodec.decode(encoded) as { raw: Uint8Array };
    expect(Buffer.isBuffer(decoded.raw)).toBe(false);
    expect(decoded.raw).toEqual(new Uint8Array([0, 255]));
    decoded.raw[0] = 9;
    expect((defaultCodec.decode(encoded) as { raw: Uint8Array }).raw[0]).toBe(0);
  });

  it('keeps objects that use the codec tag key, and __proto__ as a plain field', () => {
    const tricky = JSON.parse('{"$":"d","v":1,"__proto__":{"polluted":true}}');
    const decoded = roundTrip({ tricky }) as { tricky: Record<string, unknown> };
    expect(decoded.tricky.$).toBe('d');
    expect(Object.getPrototypeOf(decoded.tricky)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded.tricky, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips data nested deeper than the fast path looks', () => {
    let deep: unknown = { leaf: [1, 'two', null] };
    for (let i = 0; i < 200; i++) deep = { child: deep, i };
    expect(roundTrip(deep)).toEqual(deep);
  });

  it('keeps lone surrogates in strings', () => {
    expect(roundTrip('\ud800x')).toBe('\ud800x');
  });

  it.each([
    ['a Map', { m: new Map() }, 'result.m'],
    ['a Set', { s: new Set([1]) }, 'result.s'],
    ['a class instance', { e: new Error('x') }, 'result.e'],
    ['a function', { f: () => 1 }, 'result.f'],
    ['a symbol', { s: Symbol('x') }, 'result.s'],
    ['an invalid Date', { d: new Date(Number.NaN) }, 'result.d'],
    ['a sparse array', { a: sparseArray() }, 'result.a[1]'],
    ['a typed array other than Uint8Array', { t: new Int32Array(2) }, 'result.t'],
  ])('refuses %s with the path instead of changing it', (_, value, path) => {
    expect(() => defaultCodec.encode(value)).toThrowError(ResultEncodingError);
    expect(() => defaultCodec.encode(value)).toThrowError(path);
  });

  it('refuses cycles', () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(() => defaultCodec.encode(value)).toThrowError(/circular/);
  });

  it('refuses bytes it did not write', () => {
    expect(() => defaultCodec.decode(new Uint8Array([1, 2, 3]))).toThrowError(ResultEncodingError);
  });
});

/** [1, <hole>, 3], built without a literal hole (the linter rightly flags those). */
function sparseArray(): unknown[] {
  const array: unknown[] = [1];
  array[2] = 3;
  return array;
}
