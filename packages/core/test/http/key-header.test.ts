import { describe, expect, it } from 'vitest';
import { InvalidKeyError, parseKeyHeader } from '../../src/index.js';

describe('parseKeyHeader', () => {
  it('reads an RFC 8941 sf-string and undoes its two escapes', () => {
    expect(parseKeyHeader('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(parseKeyHeader('"a\\"b\\\\c"')).toBe('a"b\\c');
  });

  it('accepts a bare key (what most clients send) and trims surrounding whitespace', () => {
    expect(parseKeyHeader('order-42')).toBe('order-42');
    expect(parseKeyHeader(' \torder-42 ')).toBe('order-42');
    expect(parseKeyHeader('  "order-42"  ')).toBe('order-42');
  });

  it('treats an absent header as no key', () => {
    expect(parseKeyHeader(undefined)).toBeUndefined();
    expect(parseKeyHeader([])).toBeUndefined();
  });

  it.each([
    ['an empty value', ''],
    ['only whitespace', '  '],
    ['an empty sf-string', '""'],
    ['an unterminated sf-string', '"abc'],
    ['an escape other than \\" and \\\\', '"a\\nb"'],
    ['a trailing backslash', '"abc\\'],
    ['text after the closing quote', '"abc"def'],
    ['parameters after the sf-string', '"abc";p=1'],
    ['a space inside (printable, but not visible ASCII)', '"a b"'],
    ['a control character inside the sf-string', '"a\u0001b"'],
    ['a bare key with a space', 'a b'],
    ['non-ASCII (e.g. non-UTF-8 bytes read as latin1)', 'k\u00ffey'],
    ['256 characters', 'k'.repeat(256)],
    ['256 characters as an sf-string', `"${'k'.repeat(256)}"`],
    ['two header lines', ['a', 'b']],
    ['two values folded into one line without a space', 'a,b'],
    ['two values folded into one line with a space', 'a, b'],
    ['a bare key that ends in a comma (a folded empty line)', 'a,'],
  ])('refuses %s with InvalidKeyError', (_, value) => {
    expect(() => parseKeyHeader(value)).toThrow(InvalidKeyError);
  });

  it('accepts exactly 255 characters, counted after unescaping', () => {
    expect(parseKeyHeader('k'.repeat(255))).toHaveLength(255);
    // 254 plain characters plus one escaped quote: 257 on the wire, 255 as a key.
    expect(parseKeyHeader(`"${'k'.repeat(254)}\\""`)).toHaveLength(255);
  });

  it('accepts a comma inside an sf-string: one quoted value', () => {
    expect(parseKeyHeader('"a,b"')).toBe('a,b');
    expect(parseKeyHeader(['"a,b"'])).toBe('a,b');
  });

  it('takes the single value of a one-element list', () => {
    expect(parseKeyHeader(['"k1"'])).toBe('k1');
  });
});
