/** Byte patterns that expose stores which treat results as text or truncate them. */

/** Every byte value 0..255 once, in order. */
export function everyByteValue(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, index) => index);
}

/**
 * Sequences that are not valid UTF-8: a store that passes results through a string decoder
 * replaces them with U+FFFD and changes the bytes.
 */
export function invalidUtf8(): Uint8Array {
  const sequences: Array<[string, number[]]> = [
    ['a lead byte followed by a non-continuation byte', [0xc3, 0x28]],
    ['lone continuation bytes', [0xa0, 0xa1]],
    ['a broken three-byte sequence', [0xe2, 0x28, 0xa1]],
    ['a broken four-byte sequence', [0xf0, 0x90, 0x28, 0xbc]],
    ['an overlong NUL', [0xc0, 0x80]],
    ['an encoded UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a five-byte form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
    ['bytes that never occur in UTF-8 (and look like BOMs)', [0xfe, 0xff, 0xff, 0xfe]],
    ['NULs, which C-string based code truncates at', [0x00, 0x00]],
    ['a sequence cut short at the end', [0xe2, 0x82]],
  ];
  return Uint8Array.from(sequences.flatMap(([, bytes]) => bytes));
}

/**
 * `length` bytes from a fixed-seed xorshift generator: every byte value appears, no run
 * compresses away, and a shifted or truncated copy never matches by accident.
 */
export function patternedBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** A short result that differs for each label, for checks that tell records apart. */
export function labelledBytes(label: string): Uint8Array {
  return new TextEncoder().encode(`result:${label}`);
}
