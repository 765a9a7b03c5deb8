import { ContentCodingNotAcceptableError } from '../errors.js';
import { headerValue } from './headers.js';
import type { HttpHeaders, HttpResponse } from './types.js';

/**
 * Decoders for content-codings, by lower-case name (`gzip`, `deflate`, `br`...). A seam: the
 * HTTP layer itself imports nothing runtime-specific; `nodeContentDecoders` is Node's zlib.
 */
export type ContentDecoders = Readonly<
  Record<string, ((bytes: Uint8Array) => Promise<Uint8Array>) | undefined>
>;

/** RFC 9110 section 8.4.1.3: x-gzip is gzip. */
const ALIASES: Record<string, string> = { 'x-gzip': 'gzip' };

const canonical = (coding: string): string => {
  const lower = coding.trim().toLowerCase();
  return ALIASES[lower] ?? lower;
};

/** The codings of a `Content-Encoding` value, in the order they were applied; no `identity`. */
export function contentCodings(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map(canonical)
    .filter((coding) => coding !== '' && coding !== 'identity');
}

/**
 * Whether a request's `Accept-Encoding` accepts every one of `codings` (RFC 9110 section
 * 12.5.3): a coding listed with q > 0, or `*` with q > 0 for a coding not listed; q=0 refuses.
 * No `Accept-Encoding` at all accepts none: RFC 9110 would allow any coding then, but the
 * compression middlewares never compress for such a client and many of them (curl without
 * --compressed, simple HTTP clients) cannot decode, so a replay must not either.
 */
export function acceptsCodings(
  acceptEncoding: string | string[] | undefined,
  codings: readonly string[],
): boolean {
  if (codings.length === 0) return true;
  if (acceptEncoding === undefined) return false;
  const weights = new Map<string, number>();
  const joined = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  for (const member of joined.split(',')) {
    const [name = '', ...params] = member.split(';');
    const coding = canonical(name);
    if (coding === '') continue;
    let weight = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q') weight = Number(value?.trim());
    }
    // A q that is not a number is not a weight anyone meant: take it as a refusal.
    weights.set(coding, Number.isFinite(weight) ? weight : 0);
  }
  const wildcard = weights.get('*') ?? 0;
  return codings.every((coding) => (weights.get(coding) ?? wildcard) > 0);
}

/** Add `Accept-Encoding` to a response's `Vary` unless it is already there (or `*`). */
function varyOnAcceptEncoding(headers: Record<string, string | string[]>): void {
  const current = headers.vary;
  const names = (Array.isArray(current) ? current.join(',') : (current ?? ''))
    .split(',')
    .map((name) => name.trim().toLowerCase());
  if (names.includes('*') || names.includes('accept-encoding')) return;
  const listed = Array.isArray(current) ? current.join(', ') : (current ?? '');
  headers.vary = listed.trim() === '' ? 'Accept-Encoding' : `${listed}, Accept-Encoding`;
}

/**
 * A stored response as this request may receive it: a body with a content-coding the request
 * accepts goes out as stored; one it does not accept is decoded to identity (every coding undone,
 * last applied first) with `Content-Length` set to the decoded size. A coding with no decoder
 * cannot be undone: `ContentCodingNotAcceptableError` (406), never bytes the client did not ask
 * for. Either way a coded replay says `Vary: Accept-Encoding`, since its form depends on it.
 */
export async function replayForClient(
  response: HttpResponse,
  requestHeaders: HttpHeaders,
  decoders: ContentDecoders,
): Promise<HttpResponse> {
  const codings = contentCodings(response.headers['content-encoding']);
  if (codings.length === 0) return response;
  const headers = { ...response.headers };
  varyOnAcceptEncoding(headers);
  const accept = headerValue(requestHeaders, 'accept-encoding');
  if (acceptsCodings(typeof accept === 'number' ? String(accept) : accept, codings)) {
    return { ...response, headers };
  }
  let body = response.body;
  for (const coding of [...codings].reverse()) {
    const decode = decoders[coding];
    if (decode === undefined) throw new ContentCodingNotAcceptableError(codings);
    body = await decode(body);
  }
  delete headers['content-encoding'];
  if (headers['content-length'] !== undefined) headers['content-length'] = String(body.byteLength);
  return { ...response, headers, body };
}
