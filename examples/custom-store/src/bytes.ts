import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@oncely/core';

// A lone UTF-16 surrogate has no UTF-8 form: Buffer.from would turn it into U+FFFD, and two
// different keys would become the same bytes.
const LONE_SURROGATE = /\p{Cs}/u;

/** The UTF-8 bytes of a fingerprint or token, compared byte for byte by the database. */
export function utf8(text: string, field: string): Buffer {
  if (LONE_SURROGATE.test(text)) {
    throw new InvalidArgumentError(field, 'contains a lone UTF-16 surrogate (not valid text)');
  }
  return Buffer.from(text, 'utf8');
}

/**
 * A key as bytes: its UTF-16 code units, which tell apart every JavaScript string. A key is
 * the engine's `prefix + scope + key`, and a scope from a JSON claim can hold a lone
 * surrogate; refusing it would fail that tenant's requests, UTF-8 would merge it with others.
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
