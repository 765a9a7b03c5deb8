/** Visible ASCII, 1..255 characters: what an oncely server (and the IETF draft) accepts. */
const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/**
 * A fresh idempotency key: a version 4 UUID, 122 random bits from the platform's
 * cryptographic generator (`crypto.randomUUID`, or `crypto.getRandomValues` where
 * `randomUUID` is missing, as on pages served over plain HTTP).
 */
export function newKey(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  if (typeof crypto?.getRandomValues !== 'function') {
    throw new Error('@oncely/client needs globalThis.crypto.getRandomValues to make keys');
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Throws a TypeError for a key no server would accept, before anything is sent. */
export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || !VISIBLE_ASCII.test(key)) {
    throw new TypeError(
      'An idempotency key must be 1 to 255 visible ASCII characters (no spaces, no control characters).',
    );
  }
  return key;
}

/**
 * The header value: an RFC 8941 sf-string (`"..."`, with `"` and `\` escaped), as the IETF
 * draft defines the field, or the bare key for servers that read it literally.
 */
export function keyHeaderValue(key: string, quote: boolean): string {
  return quote ? `"${key.replace(/[\\"]/g, (char) => `\\${char}`)}"` : key;
}
