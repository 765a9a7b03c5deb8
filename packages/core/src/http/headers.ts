import { InvalidArgumentError } from '../errors.js';
import type { HttpHeaders } from './types.js';

/**
 * Connection-level headers (RFC 9110 section 7.6.1) and framing: replaying them would describe
 * a connection or a message that no longer exists, so no option lets them through.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'content-length',
]);

/**
 * Headers that belong to one response, not to the operation's result: a session cookie, the
 * time it was sent, timings. Not replayed unless listed in `replayHeaders`.
 */
export const NOT_REPLAYED_BY_DEFAULT: readonly string[] = [
  'set-cookie',
  'date',
  'age',
  'server-timing',
  'idempotent-replayed',
  'retry-after',
];

/** Lower-cased header names from `replayHeaders`, checked once at start-up. */
export function resolveReplayHeaders(names: unknown): ReadonlySet<string> {
  if (names === undefined) return new Set();
  if (!Array.isArray(names))
    throw new InvalidArgumentError('replayHeaders', 'expected an array of header names');
  const allowed = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new InvalidArgumentError(
        'replayHeaders',
        `${JSON.stringify(name)} is not a header name`,
      );
    }
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-')) {
      throw new InvalidArgumentError(
        'replayHeaders',
        `${name} is connection-level or framing and is never replayed`,
      );
    }
    allowed.add(lower);
  }
  return allowed;
}

/**
 * Header values as lists of strings, names in lower case; absent values dropped. Headers that
 * are in that form already (what Node's and Fastify's `getHeaders()` mostly hand over, a fresh
 * object each time) are returned as they are, without a copy.
 */
export function normalizeHeaders(headers: HttpHeaders): Record<string, string | string[]> {
  if (isNormalized(headers)) return headers as Record<string, string>;
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

function isNormalized(headers: HttpHeaders): boolean {
  for (const name in headers) {
    if (typeof headers[name] !== 'string' || name.toLowerCase() !== name) return false;
  }
  return true;
}

const NOT_REPLAYED = new Set(NOT_REPLAYED_BY_DEFAULT);

/** Names a response's own `Connection` header lists: they belong to that connection only. */
function connectionScoped(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  const names = new Set<string>();
  for (const value of Array.isArray(connection) ? connection : [connection]) {
    for (const token of value.split(',')) names.add(token.trim().toLowerCase());
  }
  return names;
}

/**
 * The headers of a response that are stored for replay: everything except hop-by-hop headers,
 * headers the response's own `Connection` names, and the per-response ones not allowed back in.
 */
export function replayableHeaders(
  headers: Record<string, string | string[]>,
  allowed: ReadonlySet<string>,
): [string, string][] {
  const scoped = connectionScoped(headers.connection);
  const pairs: [string, string][] = [];
  for (const name in headers) {
    const value = headers[name] as string | string[];
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || scoped?.has(lower)) continue;
    if (NOT_REPLAYED.has(lower) && !allowed.has(lower)) continue;
    if (Array.isArray(value)) for (const item of value) pairs.push([lower, item]);
    else pairs.push([lower, value]);
  }
  return pairs;
}

/** Header pairs back into the record shape frameworks take (repeated names become lists). */
export function headersFromPairs(
  pairs: readonly (readonly [string, string])[],
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const current = out[name];
    if (current === undefined) out[name] = value;
    else if (Array.isArray(current)) current.push(value);
    else out[name] = [current, value];
  }
  return out;
}

/** The one value of a request header (the first, if a framework kept several). */
export function headerValue(headers: HttpHeaders, name: string): string | string[] | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'number' ? String(value) : value;
}

/**
 * Node joins a request header sent more than once into one value ("a, b"); when one copy is
 * empty the join ("a, ") trims to something that looks like a single key ("a,"). Given node's
 * `headersDistinct`, this hands the key header over as its separate lines when there are
 * several, so the HTTP layer refuses a key sent twice whatever the copies hold.
 *
 * `raw` is node's request itself, not its `headersDistinct`: that getter builds a new object of
 * every header on each read, so it is read only for a key header that holds a comma.
 */
export function withHeaderLines(
  headers: HttpHeaders,
  raw: { readonly headersDistinct?: Record<string, string[] | undefined> | undefined } | undefined,
  name: string,
): HttpHeaders {
  const joined = headers[name];
  // Only a joined value holds a comma, so most requests never touch headersDistinct.
  if (typeof joined !== 'string' || !joined.includes(',')) return headers;
  // An HTTP/2 request has no headersDistinct (and no joined header lines).
  const lines = raw?.headersDistinct?.[name];
  return lines && lines.length > 1 ? { ...headers, [name]: lines } : headers;
}
