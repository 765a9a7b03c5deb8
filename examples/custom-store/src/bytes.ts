import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@oncely/core';

// A lone UTF-16 surrogate has no UTF-8 form: Buffer.from would turn it into U+FFFD, and two
// different strings would become the same bytes.
const LONE_SURROGATE = /\p{Cs}/u;

/** The UTF-8 bytes of a fingerprint or token, compared byte for byte by the database. */
export function utf8(text: string, field: string): Buffer {
  if (LONE_SURROGATE.test(text)) {
    throw new InvalidArgumentError(field, 'contains a lone UTF-16 surrogate (not valid text)');
  }
  return Buffer.from(text, 'utf8');
}

/**
 * A key as bytes that hold every string exactly: its UTF-16 code units. A key may be any
 * string, lone surrogates included (a scope from a JSON claim can carry them), and two keys
 * that differ only there are two records.
 */
export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'utf16le');
}

/** The primary key: SHA-256 of the key's bytes, a fixed 32 bytes whatever the key's length. */
export function keyHash(key: string): Buffer {
  return createHash('sha256').update(keyBytes(key)).digest();
}

/**
 * The driver sends a Buffer as binary (a hex literal), but would treat a plain Uint8Array as
 * an object; wrap it without copying. Never go through a string: decoding arbitrary bytes as
 * text replaces invalid sequences and the stored result would differ from the one given.
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
