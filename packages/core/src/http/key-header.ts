import { InvalidKeyError } from '../errors.js';
import { validateKey } from '../keys.js';

const OUTER_WHITESPACE = /^[ \t]+|[ \t]+$/g;

/**
 * Read the idempotency key from a header value. The IETF draft defines the field as an RFC 8941
 * sf-string (`"..."`, where only `\"` and `\\` are escapes); most clients in the wild send the
 * bare key, so a value that does not start with a quote is taken as it is. Either way the
 * result must be 1..255 visible ASCII characters.
 *
 * Returns `undefined` when the header is absent. Throws `InvalidKeyError` for anything else
 * that is not a valid key, including a header sent more than once and a bare value with a comma
 * (a list: `a,b` and `a, b` are both two values; `"a,b"` is one).
 */
export function parseKeyHeader(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    if (value.length === 0) return undefined;
    if (value.length > 1)
      throw new InvalidKeyError('The idempotency key header was sent more than once.');
    return parseKeyHeader(value[0]);
  }
  // HTTP strips optional whitespace around a field value; do the same for values handed in raw.
  const trimmed = value.replace(OUTER_WHITESPACE, '');
  if (trimmed.length === 0) throw new InvalidKeyError('The idempotency key is empty.');
  if (trimmed.startsWith('"')) return validateKey(parseSfString(trimmed));
  // A comma outside an sf-string separates list members: "a,b" is what two header lines
  // folded into one look like, the same two values as "a, b". A key that holds a comma must
  // be sent quoted ("\"a,b\""), which is one value.
  if (trimmed.includes(',')) {
    throw new InvalidKeyError(
      'The idempotency key header holds more than one value (a comma outside an sf-string); send one key, or quote it as an sf-string.',
    );
  }
  return validateKey(trimmed);
}

/** RFC 8941 section 4.2.5: the whole value must be one sf-string, nothing after it. */
function parseSfString(input: string): string {
  let out = '';
  for (let i = 1; i < input.length; i++) {
    const char = input[i] as string;
    const code = input.charCodeAt(i);
    if (char === '\\') {
      const next = input[i + 1];
      if (next !== '"' && next !== '\\') {
        throw new InvalidKeyError(
          'The idempotency key is not a valid sf-string: only \\" and \\\\ may be escaped.',
        );
      }
      out += next;
      i++;
    } else if (char === '"') {
      if (i !== input.length - 1) {
        throw new InvalidKeyError(
          'The idempotency key is not a valid sf-string: nothing may follow the closing quote.',
        );
      }
      return out;
    } else if (code < 0x20 || code > 0x7e) {
      throw new InvalidKeyError(
        'The idempotency key is not a valid sf-string: it may hold only printable ASCII.',
      );
    } else {
      out += char;
    }
  }
  throw new InvalidKeyError(
    'The idempotency key is not a valid sf-string: the closing quote is missing.',
  );
}
