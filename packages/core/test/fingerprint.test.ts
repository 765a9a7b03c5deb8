import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint, InvalidArgumentError } from '../src/index.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth so key order never matters', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('orders keys by UTF-16 code units and keeps unicode as is', () => {
    expect(canonicalJson({ é: 1, z: 2, '😀': 3, A: 4 })).toBe('{"A":4,"z":2,"é":1,"😀":3}');
  });

  it('sorts index-like keys as text too, not as numbers', () => {
    expect(canonicalJson({ 10: 'a', 2: 'b', 1: 'c', b: { 20: 1, 3: 2 } })).toBe(
      '{"1":"c","10":"a","2":"b","b":{"20":1,"3":2}}',
    );
  });

  it('writes a __proto__ key a parser kept as data', () => {
    const parsed = JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"a":1,"b":2},"z":1}');
  });

  it('leaves the value it writes unchanged', () => {
    const value = { b: [{ d: 1, c: 2 }], a: 1 };
    canonicalJson(value);
    expect(Object.keys(value)).toEqual(['b', 'a']);
    expect(Object.keys(value.b[0] as object)).toEqual(['d', 'c']);
  });

  it('writes numbers deterministically', () => {
    expect(canonicalJson([1.0, 1e21, 0.1, -0, 100])).toBe('[1,1e+21,0.1,0,100]');
  });

  it('drops undefined properties like JSON, keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('writes bytes in a form no JSON string can take', () => {
    expect(canonicalJson({ body: new Uint8Array([1, 2]) })).toBe('{"body":b"AQI="}');
  });

  it.each([
    ['NaN', { a: Number.NaN }],
    ['Infinity', { a: Number.POSITIVE_INFINITY }],
    ['bigint', { a: 1n }],
    ['a function', { a: () => 1 }],
    ['a Map', { a: new Map() }],
  ])('refuses %s with the path', (_, value) => {
    expect(() => canonicalJson(value)).toThrowError(InvalidArgumentError);
    expect(() => canonicalJson(value)).toThrowError(/request\.a/);
  });

  it('refuses cycles', () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(() => canonicalJson(value)).toThrowError(/circular/);
  });
});

describe('fingerprint', () => {
  it('is SHA-256 hex and ignores key order', () => {
    const a = fingerprint({ amount: 100, currency: 'eur' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint({ currency: 'eur', amount: 100 })).toBe(a);
  });

  it('tells different requests apart', () => {
    expect(fingerprint({ amount: 100 })).not.toBe(fingerprint({ amount: 101 }));
  });

  it('never equates bytes, text and JSON that look alike', () => {
    const text = fingerprint('{"a":1}');
    const json = fingerprint({ a: 1 });
    const bytes = fingerprint(new TextEncoder().encode('{"a":1}'));
    expect(new Set([text, json, bytes]).size).toBe(3);
  });
});
