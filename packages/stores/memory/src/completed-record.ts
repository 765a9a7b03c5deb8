/*
 * A completed record is kept as one latin1 string (one byte per character, every byte value
 * kept as it is) rather than an object with a field per value. With a record per request the
 * store holds millions of them: one string is one heap object the garbage collector marks and
 * copies, where an object with its fingerprint, token, result and boxed expiry is five, and
 * the string also saves their headers and padding (70 to 100 bytes a record). A Uint8Array
 * would be worse still: a view, a buffer object and an allocation outside the heap each.
 * Encoding and reading the result both copy, so the caller may reuse its buffer and a reader
 * that edits the bytes it got changes no later replay.
 *
 * Layout: fence and expiry as float64 (exact for any number a caller passes), a flags byte, the
 * fingerprint's and the token's lengths in characters of the record (uint32), then the
 * fingerprint, the token and the result's bytes. A fingerprint or token with a character above
 * U+00FF is written as its UTF-16 code units (flag bit set), which round-trips every string,
 * lone surrogates included.
 */

const FENCE = 0;
const EXPIRES_AT = 8;
const FLAGS = 16;
const FINGERPRINT_LENGTH = 17;
const TOKEN_LENGTH = 21;
const HEAD = 25;
const WIDE_FINGERPRINT = 1;
const WIDE_TOKEN = 2;
const NOT_LATIN1 = /[\u0100-\uffff]/;

// Scratch space to turn eight characters back into a float64 without allocating.
const scratchBytes = new Uint8Array(8);
const scratchNumber = new Float64Array(scratchBytes.buffer);

export interface CompletedFields {
  fingerprint: string;
  token: string;
  fence: number;
  expiresAt: number;
  result: Uint8Array;
}

/** Characters the string takes, and how, for one field. */
function fieldLength(text: string): { wide: boolean; length: number } {
  const wide = NOT_LATIN1.test(text);
  return { wide, length: wide ? text.length * 2 : text.length };
}

function writeText(bytes: Buffer, text: string, wide: boolean, offset: number): void {
  bytes.write(text, offset, wide ? 'utf16le' : 'latin1');
}

export function encodeCompleted(fields: CompletedFields): string {
  const fingerprint = fieldLength(fields.fingerprint);
  const token = fieldLength(fields.token);
  const resultAt = HEAD + fingerprint.length + token.length;
  // A Buffer from Node's pool for small records; it is garbage as soon as the string is made.
  const bytes = Buffer.allocUnsafe(resultAt + fields.result.byteLength);
  bytes.writeDoubleLE(fields.fence, FENCE);
  bytes.writeDoubleLE(fields.expiresAt, EXPIRES_AT);
  bytes[FLAGS] = (fingerprint.wide ? WIDE_FINGERPRINT : 0) | (token.wide ? WIDE_TOKEN : 0);
  bytes.writeUInt32LE(fingerprint.length, FINGERPRINT_LENGTH);
  bytes.writeUInt32LE(token.length, TOKEN_LENGTH);
  writeText(bytes, fields.fingerprint, fingerprint.wide, HEAD);
  writeText(bytes, fields.token, token.wide, HEAD + fingerprint.length);
  bytes.set(fields.result, resultAt);
  return bytes.toString('latin1');
}

function readFloat64(record: string, offset: number): number {
  for (let i = 0; i < 8; i++) scratchBytes[i] = record.charCodeAt(offset + i);
  return scratchNumber[0] as number;
}

function readUint32(record: string, offset: number): number {
  return (
    (record.charCodeAt(offset) |
      (record.charCodeAt(offset + 1) << 8) |
      (record.charCodeAt(offset + 2) << 16)) +
    record.charCodeAt(offset + 3) * 0x1000000
  );
}

function readText(record: string, start: number, length: number, wide: boolean): string {
  const text = record.slice(start, start + length);
  return wide ? Buffer.from(text, 'latin1').toString('utf16le') : text;
}

export function completedFence(record: string): number {
  return readFloat64(record, FENCE);
}

export function completedExpiresAt(record: string): number {
  return readFloat64(record, EXPIRES_AT);
}

export function completedFingerprint(record: string): string {
  const wide = (record.charCodeAt(FLAGS) & WIDE_FINGERPRINT) !== 0;
  return readText(record, HEAD, readUint32(record, FINGERPRINT_LENGTH), wide);
}

export function completedToken(record: string): string {
  const wide = (record.charCodeAt(FLAGS) & WIDE_TOKEN) !== 0;
  const start = HEAD + readUint32(record, FINGERPRINT_LENGTH);
  return readText(record, start, readUint32(record, TOKEN_LENGTH), wide);
}

/** A fresh copy of the result's bytes: a reader that edits them changes no later replay. */
export function completedResult(record: string): Uint8Array {
  const start = HEAD + readUint32(record, FINGERPRINT_LENGTH) + readUint32(record, TOKEN_LENGTH);
  return Buffer.from(record.slice(start), 'latin1');
}
