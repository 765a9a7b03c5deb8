/**
 * Independent models of what should happen to a hostile request, written from the HTTP specs
 * and oncely's documented rules rather than from its code, so the properties test one against
 * the other.
 */

import { type HttpParserModel, nodeParser } from './parsers.js';

/** RFC 9110 token: what a header name or a method must be. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export type KeyVerdict =
  /** The server's parser (node's, Bun's) answers 400 itself before any middleware runs. */
  | { kind: 'node-400' }
  /** oncely answers 400 invalid-key. */
  | { kind: 'invalid' }
  /** A valid key; `key` is what it names. */
  | { kind: 'valid'; key: string };

/**
 * The Idempotency-Key header sent `times` times with `value` (raw bytes): the server's parser
 * refuses control bytes (which, `parser` says); otherwise it hands over the value latin1-decoded with OWS trimmed (repeated lines
 * joined with ", "). oncely takes an RFC 8941 sf-string or a bare value; a key sent more than
 * once is refused; the key must be 1..255 visible ASCII characters.
 */
export function keyVerdict(
  value: Buffer,
  times: number,
  parser: HttpParserModel = nodeParser,
): KeyVerdict {
  if (parser.refusesValue(value)) return { kind: 'node-400' };
  if (times > 1) return { kind: 'invalid' };
  const text = value.toString('latin1').replace(/^[ \t]+|[ \t]+$/g, '');
  let key = text;
  if (text.startsWith('"')) {
    const match = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/.exec(text);
    if (!match) return { kind: 'invalid' };
    key = (match[1] as string).replace(/\\(["\\])/g, '$1');
  } else if (text.includes(',')) {
    // A bare value with a comma is a list: two keys folded into one line.
    return { kind: 'invalid' };
  }
  return /^[\x21-\x7e]{1,255}$/.test(key) ? { kind: 'valid', key } : { kind: 'invalid' };
}

/**
 * The other spelling of a valid key: the sf-string for a bare key, the bare key for an
 * sf-string. A key that starts with `"` or holds a comma has no bare spelling.
 */
export function otherSpelling(sent: Buffer, key: string): string | undefined {
  const text = sent.toString('latin1').trim();
  if (!text.startsWith('"')) return `"${key.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  // A key that starts with `"` would read as an sf-string, one with a comma as a list.
  return key.startsWith('"') || key.includes(',') ? undefined : key;
}

/** What oncely's default policy stores (so a retry replays it): a routed answer, not a refusal. */
export function storedByDefault(status: number, routed = true): boolean {
  return routed && status < 500 && ![401, 403, 408, 409, 425, 429].includes(status);
}
