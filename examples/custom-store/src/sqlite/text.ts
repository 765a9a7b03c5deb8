/** A key or fingerprint as bytes that hold every JavaScript string exactly: its UTF-16 code units. */
export function codeUnits(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

export function fromCodeUnits(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf16le');
}

/** better-sqlite3 binds a Buffer as a BLOB; wrap a plain Uint8Array without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
