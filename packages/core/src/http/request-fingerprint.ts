import { inspect } from 'node:util';
import { InvalidArgumentError, RequestTooDeepError } from '../errors.js';
import { canonicalJsonAt, fingerprint, fingerprintOfJson } from '../fingerprint.js';
import { headerValue } from './headers.js';
import type { HttpRequest } from './types.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
 * SHA-256 over what identifies a request: the method, the path, the query (parameters sorted by
 * name, so their order does not matter; repeated names keep their order) and the body.
 *
 * Body: parsed data (a framework's JSON or form parser) is hashed as canonical JSON, so key
 * order does not matter. Bytes and strings with a JSON content type are parsed and hashed the
 * same way, so a raw JSON body and a parsed one agree; JSON that does not parse is hashed as its
 * raw bytes (the handler, not the fingerprint, decides whether it is an error). Any other body
 * is hashed as its raw bytes. No body and an empty body are the same. A body nested deeper
 * than `MAX_FINGERPRINT_DEPTH` throws `RequestTooDeepError`.
 */
export function requestFingerprint(request: HttpRequest): string {
  const body = bodyForm(request);
  const method = request.method.toUpperCase();
  const query = canonicalQuery(request.query);
  try {
    // The canonical JSON of { body, method, path, query } (fields in sorted order), written
    // around the body's own canonical text: the same text as canonicalJson of the whole gives,
    // without walking and serializing the wrapper objects on every request.
    return fingerprintOfJson(
      `{"body":${bodyJson(body)},"method":${JSON.stringify(method)},"path":${JSON.stringify(
        request.path,
      )},"query":${JSON.stringify(query)}}`,
    );
  } catch (error) {
    // Too deep to walk is the client's fault, answered as a 400 problem; inspect() would walk
    // it too (and cut it short, so two different deep bodies could look the same).
    if (!(error instanceof InvalidArgumentError) || error instanceof RequestTooDeepError)
      throw error;
    // Parsed data with no canonical JSON form (1e400 parses to Infinity; a parser may hand
    // over class instances). Still deterministic, and never a server error for odd input.
    const inspected = { inspected: inspect(body, INSPECT) };
    return fingerprint({ body: inspected, method, path: request.path, query });
  }
}

/** The body's part of the canonical text; its depths count from the whole, as before. */
function bodyJson(body: BodyForm): string {
  if (body === null) return 'null';
  // { data } is one level below the whole, the data two.
  if ('data' in body) return `{"data":${canonicalJsonAt(body.data, 2)}}`;
  return canonicalJsonAt(body, 1);
}

const INSPECT = {
  depth: Number.POSITIVE_INFINITY,
  sorted: true,
  breakLength: Number.POSITIVE_INFINITY,
  maxArrayLength: Number.POSITIVE_INFINITY,
  maxStringLength: Number.POSITIVE_INFINITY,
  compact: true,
} as const;

function canonicalQuery(query: string | undefined): [string, string][] {
  if (!query) return [];
  const params = [...new URLSearchParams(query)];
  // Array#sort is stable, so repeated names keep the order the client gave them.
  return params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

type BodyForm = null | { bytes: Uint8Array } | { data: unknown };

function bodyForm(request: HttpRequest): BodyForm {
  const body = request.body;
  if (body === undefined || body === null) return null;
  let bytes: Uint8Array;
  if (body instanceof Uint8Array) bytes = body;
  else if (typeof body === 'string') bytes = Buffer.from(body, 'utf8');
  else return { data: body };
  if (bytes.byteLength === 0) return null;
  const contentType = headerValue(request.headers, 'content-type');
  if (typeof contentType === 'string' && JSON_TYPE.test(contentType)) {
    try {
      return { data: JSON.parse(Buffer.from(bytes).toString('utf8')) };
    } catch {
      // Not JSON after all: hashed as bytes below, never an error here.
    }
  }
  return { bytes };
}
