import type { ResultCodec } from '../codec.js';
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

/*
 * Layout: "oh" magic, a format byte (1), a uint32 (big-endian) length of a JSON head, the head
 * `[status, name, value, name, value, ...]`, then the body bytes as they are. A response has a
 * fixed shape, so this skips the general codec's walk over the value: one JSON.stringify of a
 * flat array and one copy of the body, which matters because it runs on every first execution.
 */
const MAGIC_0 = 0x6f; // 'o'
const MAGIC_1 = 0x68; // 'h'
const FORMAT = 1;
const HEAD = 7;

function refuse(reason: string): never {
  throw new ResultEncodingError('result', reason);
}

/**
 * The codec the HTTP layer stores responses with, unless the options give their own `codec`
 * (which then receives the `StoredResponse` object instead).
 */
export const responseCodec: ResultCodec = {
  encode(value) {
    const { status, headers, body } = value as StoredResponse;
    const head: Array<number | string> = [status];
    for (const [name, headerValue] of headers) head.push(name, headerValue);
    const json = JSON.stringify(head);
    const jsonBytes = Buffer.byteLength(json, 'utf8');
    const bytes = Buffer.allocUnsafe(HEAD + jsonBytes + body.byteLength);
    bytes[0] = MAGIC_0;
    bytes[1] = MAGIC_1;
    bytes[2] = FORMAT;
    bytes.writeUInt32BE(jsonBytes, 3);
    bytes.write(json, HEAD, 'utf8');
    bytes.set(body, HEAD + jsonBytes);
    return bytes;
  },

  decode(bytes) {
    if (bytes.byteLength < HEAD || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {
      refuse('the stored bytes are not an HTTP response written by oncely');
    }
    if (bytes[2] !== FORMAT) refuse(`unknown stored response format ${bytes[2]}`);
    const buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const jsonBytes = buffer.readUInt32BE(3);
    const bodyStart = HEAD + jsonBytes;
    if (bodyStart > buffer.byteLength) refuse('the stored response is truncated');
    let head: unknown;
    try {
      head = JSON.parse(buffer.toString('utf8', HEAD, bodyStart));
    } catch {
      refuse('the stored response head is not JSON');
    }
    if (!Array.isArray(head) || head.length % 2 !== 1 || !Number.isInteger(head[0])) {
      refuse('the stored response head is malformed');
    }
    const headers: [string, string][] = [];
    for (let i = 1; i < head.length; i += 2) {
      const name = head[i];
      const headerValue = head[i + 1];
      if (typeof name !== 'string' || typeof headerValue !== 'string') {
        refuse('the stored response head is malformed');
      }
      headers.push([name, headerValue]);
    }
    // A view, not a copy: the body is only ever written to a socket, never changed.
    const stored: StoredResponse = {
      status: head[0] as number,
      headers,
      body: buffer.subarray(bodyStart),
    };
    return stored;
  },
};

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
  // RFC 9110 section 8.6: no Content-Length on a 1xx or 204; on a 304 it would have to be the
  // length of the 200 it stands for, which is not stored. The live response had none either.
  if (hasContent(stored.status)) headers['content-length'] = String(stored.body.byteLength);
  headers['idempotent-replayed'] = 'true';
  return { status: stored.status, headers, body: stored.body };
}

/** Whether a response with this status carries content (and so a Content-Length). */
function hasContent(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304;
}
