import { describe, expect, it } from 'vitest';
import {
  hashKey,
  InvalidKeyError,
  MissingKeyError,
  namespacedKey,
  validateKey,
} from '../src/index.js';

describe('validateKey', () => {
  it('accepts 1..255 visible ASCII characters', () => {
    expect(validateKey('a')).toBe('a');
    expect(validateKey('x'.repeat(255))).toHaveLength(255);
    expect(validateKey('order_123:retry~!"{}')).toBe('order_123:retry~!"{}');
  });

  it('reports a missing key as MissingKeyError', () => {
    expect(() => validateKey(undefined)).toThrowError(MissingKeyError);
    expect(() => validateKey(null)).toThrowError(MissingKeyError);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'x'.repeat(256)],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['non-ASCII', 'clé'],
    ['a control character', 'a\u0000'],
  ])('refuses a key with %s', (_, key) => {
    expect(() => validateKey(key)).toThrowError(InvalidKeyError);
  });

  it('refuses a non-string key', () => {
    expect(() => validateKey(42)).toThrowError(InvalidKeyError);
  });
});

describe('namespacedKey', () => {
  it('never lets a scope and a key run into each other', () => {
    expect(namespacedKey('p:', 'a:b', 'c')).not.toBe(namespacedKey('p:', 'a', 'b:c'));
    expect(namespacedKey('p:', '', 'k')).not.toBe(namespacedKey('p:', 'k', ''));
  });

  it('stores a scope past 1024 characters as its hash: bounded, distinct, never a literal scope', () => {
    const long = 't'.repeat(1025);
    const stored = namespacedKey('p:', long, 'k');
    expect(stored).toMatch(/^p:#[0-9a-f]{64}:k$/);
    expect(namespacedKey('p:', `${long}x`, 'k')).not.toBe(stored);
    expect(namespacedKey('p:', long, 'k')).toBe(stored);
    // A short scope that looks like the hashed form still takes the length form.
    const lookalike = stored.slice('p:'.length, -':k'.length);
    expect(namespacedKey('p:', lookalike, 'k')).not.toBe(stored);
    expect(namespacedKey('p:', 't'.repeat(1024), 'k')).toBe(`p:1024:${'t'.repeat(1024)}:k`);
  });

  it('keeps long scopes that differ only in a lone surrogate apart (UTF-8 would merge them)', () => {
    const base = 'A'.repeat(1025);
    const variants = ['\uD800', '\uD801', '\uFFFD', '\uDC00', '\uD83D\uDE00'];
    const stored = variants.map((tail) => namespacedKey('p:', base + tail, 'k'));
    expect(new Set(stored).size).toBe(variants.length);
    // Well-formed long scopes keep the form they had: their records are still found.
    expect(namespacedKey('p:', `${base}\uFFFD`, 'k')).toMatch(/^p:#[0-9a-f]{64}:k$/);
    expect(namespacedKey('p:', `${base}\uD800`, 'k')).toMatch(/^p:#u[0-9a-f]{64}:k$/);
  });

  it('hashKey is one-way-looking and stable', () => {
    const stored = namespacedKey('oncely:', 'tenant', 'secret-key');
    expect(hashKey(stored)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashKey(stored)).toBe(hashKey(stored));
    expect(hashKey(stored)).not.toContain('secret');
  });
});
