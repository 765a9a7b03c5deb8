import { ResultEncodingError } from '../errors.js';
import { headersFromPairs, replayableHeaders } from './headers.js';
import type { HttpResponse } from './types.js';

/** The stored form of a response: status, replayable header pairs, exact body bytes. */
export interface StoredResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

export function toStored(response: HttpResponse, allowed: ReadonlySet<string>): StoredResponse {
  return {
    status: response.status,
    headers: replayableHeaders(response.headers, allowed),
    body: response.body,
  };
}

/** A stored response as it is replayed: the original status, headers and bytes, marked. */
export function fromStored(value: unknown): HttpResponse {
  const stored = value as Partial<StoredResponse> | null;
  if (
    typeof stored !== 'object' ||
    stored === null ||
    typeof stored.status !== 'number' ||
    !Array.isArray(stored.headers) ||
    !(stored.body instanceof Uint8Array)
  ) {
    throw new ResultEncodingError('result', 'the stored record is not an HTTP response');
  }
  const headers = headersFromPairs(stored.headers);
  headers['content-length'] = String(stored.body.byteLength);
  headers['idempotent-replayed'] = 'true';
  return { status: stored.status, headers, body: stored.body };
}
