import { describe, expect, it } from 'vitest';
import { responseCodec, type StoredResponse } from '../../src/http/stored-response.js';
import {
  createHttpIdempotency,
  defaultCodec,
  type HttpRequest,
  namespacedKey,
  type ResultCodec,
  ResultEncodingError,
} from '../../src/index.js';
import { MemoryStore } from '../support/memory.js';

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('responseCodec (how the HTTP layer stores responses by default)', () => {
  it('round-trips status, repeated and non-ASCII header values, and every byte value', () => {
    const stored: StoredResponse = {
      status: 201,
      headers: [
        ['content-type', 'application/octet-stream'],
        ['link', '</a>; rel="next"'],
        ['link', '</b>; rel="prev"'],
        ['x-note', 'café ✓'],
      ],
      body: allBytes,
    };
    const decoded = responseCodec.decode(responseCodec.encode(stored)) as StoredResponse;
    expect(decoded.status).toBe(201);
    expect(decoded.headers).toEqual(stored.headers);
    expect([...decoded.body]).toEqual([...allBytes]);
  });

  it('keeps an empty body and no headers', () => {
    const encoded = responseCodec.encode({ status: 204, headers: [], body: new Uint8Array(0) });
    const decoded = responseCodec.decode(encoded) as StoredResponse;
    expect(decoded).toMatchObject({ status: 204, headers: [] });
    expect(decoded.body.byteLength).toBe(0);
  });

  it('refuses bytes it did not write, an unknown format and a truncated record', () => {
    const encoded = responseCodec.encode({ status: 200, headers: [['a', 'b']], body: allBytes });
    const foreign = defaultCodec.encode({ status: 200 });
    const unknownFormat = Uint8Array.from(encoded);
    unknownFormat[2] = 9;
    for (const bytes of [foreign, unknownFormat, encoded.subarray(0, 9), new Uint8Array(3)]) {
      expect(() => responseCodec.decode(bytes)).toThrowError(ResultEncodingError);
    }
  });
});

describe('the codec responses are stored with', () => {
  const request = (key: string): HttpRequest => ({
    method: 'POST',
    path: '/orders',
    headers: { 'idempotency-key': key },
    body: { amount: 5 },
  });
  const downstream = async () => ({
    status: 201,
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from('created'),
    complete: true,
  });

  it('is the compact response format when the options give none', async () => {
    const store = new MemoryStore();
    const http = createHttpIdempotency({ store });
    await http.handle(request('k'), downstream);
    const record = await store.get(namespacedKey('oncely:', '', 'k'));
    if (record?.state !== 'completed') throw new Error('expected a completed record');
    expect(responseCodec.decode(record.result)).toMatchObject({ status: 201 });
  });

  it('is the codec the options give (e.g. encryption at rest), for responses too', async () => {
    const seen: unknown[] = [];
    // A codec that marks its bytes, to prove it wrote and read the record.
    const marking: ResultCodec = {
      encode: (value) => {
        seen.push(value);
        const inner = defaultCodec.encode(value);
        return Uint8Array.from([0x21, ...inner]);
      },
      decode: (bytes) => defaultCodec.decode(bytes.subarray(1)),
    };
    const store = new MemoryStore();
    const http = createHttpIdempotency({ store, codec: marking });
    await http.handle(request('k'), downstream);
    const replay = await http.handle(request('k'), downstream);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ status: 201, headers: [['content-type', 'text/plain']] });
    const record = await store.get(namespacedKey('oncely:', '', 'k'));
    if (record?.state !== 'completed') throw new Error('expected a completed record');
    expect(record.result[0]).toBe(0x21);
    expect(replay).toMatchObject({ action: 'send', source: 'replay', response: { status: 201 } });
    if (replay.action !== 'send') throw new Error('expected send');
    expect(Buffer.from(replay.response.body).toString()).toBe('created');
  });
});
