import { describe, expect, it } from 'vitest';
import { resolveReplayHeaders } from '../../src/http/headers.js';
import {
  ConflictError,
  defaultShouldStore,
  FingerprintMismatchError,
  InvalidArgumentError,
  InvalidKeyError,
  MissingKeyError,
  parseKeyHeader,
  problemResponse,
  replayableHeaders,
  requestFingerprint,
  retryAfterSeconds,
  StoreUnavailableError,
  withHeaderLines,
} from '../../src/index.js';

const parse = (body: Uint8Array) => JSON.parse(Buffer.from(body).toString('utf8'));

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds and never says less than 1', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(999)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(29_500)).toBe(30);
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(-5)).toBe(1);
    expect(retryAfterSeconds(Number.NaN)).toBe(1);
  });
});

describe('problemResponse (RFC 9457)', () => {
  it.each([
    [new MissingKeyError(), 400, 'missing-key'],
    [new InvalidKeyError('bad'), 400, 'invalid-key'],
    [new FingerprintMismatchError(), 422, 'fingerprint-mismatch'],
  ])('renders %s with its status and stable type URI', (error, status, code) => {
    const response = problemResponse(error);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.headers['content-length']).toBe(String(response.body.byteLength));
    const body = parse(response.body);
    expect(body).toMatchObject({
      type: `https://oncely.dev/problems/${code}`,
      status,
      detail: error.message,
    });
    expect(typeof body.title).toBe('string');
  });

  it('gives a 409 Retry-After from the remaining lease, rounded up', () => {
    const response = problemResponse(new ConflictError(2_100));
    expect(response.status).toBe(409);
    expect(response.headers['retry-after']).toBe('3');
    expect(parse(response.body).type).toBe('https://oncely.dev/problems/conflict');
  });

  it('gives a 503 Retry-After from the store error', () => {
    const response = problemResponse(new StoreUnavailableError('down', { retryAfterMs: 4_000 }));
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('4');
    const defaulted = problemResponse(new StoreUnavailableError('down'));
    expect(defaulted.headers['retry-after']).toBe('1');
  });

  it("never passes the store driver's message on to the client in a 503", () => {
    const error = new StoreUnavailableError(
      'The idempotency store failed to acquire: connect ECONNREFUSED 10.1.2.3:6379 (key oncely:0::k1)',
    );
    const body = parse(problemResponse(error).body);
    expect(body).toMatchObject({
      type: 'https://oncely.dev/problems/store-unavailable',
      status: 503,
    });
    expect(body.detail).toMatch(/not processed/);
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|k1/);
  });
});

describe('withHeaderLines', () => {
  it('hands a header node joined over as its separate lines', () => {
    const headers = { 'idempotency-key': 'a, ', other: 'x, y' };
    const raw = { headersDistinct: { 'idempotency-key': ['a', ''], other: ['x', 'y'] } };
    const out = withHeaderLines(headers, raw, 'idempotency-key');
    expect(out).toEqual({ 'idempotency-key': ['a', ''], other: 'x, y' });
    expect(() => parseKeyHeader(out['idempotency-key'] as string[])).toThrowError(InvalidKeyError);
  });

  it('leaves a header sent once as it is, commas and all', () => {
    const headers = { 'idempotency-key': 'a,b' };
    const raw = { headersDistinct: { 'idempotency-key': ['a,b'] } };
    expect(withHeaderLines(headers, raw, 'idempotency-key')).toBe(headers);
    expect(withHeaderLines(headers, undefined, 'idempotency-key')).toBe(headers);
  });

  it("reads node's headersDistinct (it builds a new object each time) only for a comma", () => {
    let reads = 0;
    const raw = {
      get headersDistinct() {
        reads++;
        return { 'idempotency-key': ['a'] };
      },
    };
    withHeaderLines({ 'idempotency-key': 'a' }, raw, 'idempotency-key');
    expect(reads).toBe(0);
    withHeaderLines({ 'idempotency-key': 'a, b' }, raw, 'idempotency-key');
    expect(reads).toBe(1);
  });
});

describe('defaultShouldStore', () => {
  it('stores outcomes, releases server errors and "try again" statuses', () => {
    const at = (status: number) =>
      defaultShouldStore({ status, headers: {}, body: new Uint8Array() });
    for (const status of [200, 201, 204, 301, 400, 404, 410, 422]) expect(at(status)).toBe(true);
    for (const status of [408, 409, 425, 429, 500, 502, 503, 504]) expect(at(status)).toBe(false);
  });
});

describe('replayableHeaders', () => {
  const headers = {
    'content-type': 'application/json',
    'x-order': '7',
    link: ['<a>; rel=next', '<b>; rel=prev'],
    'set-cookie': ['a=1', 'b=2'],
    date: 'Tue, 01 Jan 2030 00:00:00 GMT',
    connection: 'keep-alive, x-hop',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    te: 'trailers',
    trailer: 'x-sum',
    upgrade: 'h2c',
    'proxy-authenticate': 'Basic',
    'proxy-foo': 'bar',
    'content-length': '12',
    'x-hop': 'named by Connection',
    'server-timing': 'db;dur=53',
  };

  it('keeps the response headers and drops hop-by-hop, framing and per-response ones', () => {
    expect(replayableHeaders(headers, new Set())).toEqual([
      ['content-type', 'application/json'],
      ['x-order', '7'],
      ['link', '<a>; rel=next'],
      ['link', '<b>; rel=prev'],
    ]);
  });

  it('replays Set-Cookie and Date only when the user allows them', () => {
    const pairs = replayableHeaders(headers, resolveReplayHeaders(['Set-Cookie', 'date']));
    expect(pairs).toContainEqual(['set-cookie', 'a=1']);
    expect(pairs).toContainEqual(['set-cookie', 'b=2']);
    expect(pairs).toContainEqual(['date', headers.date]);
    expect(pairs.map(([name]) => name)).not.toContain('transfer-encoding');
  });

  it('refuses to allow hop-by-hop or framing headers, and non-names', () => {
    for (const name of [
      'Connection',
      'transfer-encoding',
      'Proxy-Authorization',
      'content-length',
    ]) {
      expect(() => resolveReplayHeaders([name])).toThrow(InvalidArgumentError);
    }
    expect(() => resolveReplayHeaders(['bad name'])).toThrow(/replayHeaders/);
    expect(() => resolveReplayHeaders('set-cookie')).toThrow(InvalidArgumentError);
  });
});

describe('requestFingerprint', () => {
  const base = { method: 'POST', path: '/orders', query: '', headers: {} };
  const json = { 'content-type': 'application/json; charset=utf-8' };

  it('ignores JSON key order and query parameter order', () => {
    expect(requestFingerprint({ ...base, body: { a: 1, b: [1, 2] } })).toBe(
      requestFingerprint({ ...base, body: { b: [1, 2], a: 1 } }),
    );
    expect(requestFingerprint({ ...base, query: 'a=1&b=2' })).toBe(
      requestFingerprint({ ...base, query: 'b=2&a=1' }),
    );
    expect(requestFingerprint({ ...base, query: 'a=1&a=2' })).not.toBe(
      requestFingerprint({ ...base, query: 'a=2&a=1' }),
    );
  });

  it('hashes a raw JSON body like the parsed one, whatever the spacing', () => {
    const parsed = requestFingerprint({ ...base, headers: json, body: { a: 1, b: 'x' } });
    expect(requestFingerprint({ ...base, headers: json, body: '{ "b": "x", "a": 1 }' })).toBe(
      parsed,
    );
    expect(
      requestFingerprint({ ...base, headers: json, body: Buffer.from('{"b":"x","a":1}') }),
    ).toBe(parsed);
  });

  it('hashes malformed JSON as raw bytes instead of failing', () => {
    const a = requestFingerprint({ ...base, headers: json, body: '{"a":' });
    const b = requestFingerprint({ ...base, headers: json, body: '{"a":1' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    // Parsed data without a canonical JSON form still fingerprints.
    expect(requestFingerprint({ ...base, body: { big: Number.POSITIVE_INFINITY } })).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });

  it('distinguishes method, path, query and body; bytes are hashed as they are', () => {
    const prints = new Set([
      requestFingerprint({ ...base, body: Buffer.from([0, 1, 2]) }),
      requestFingerprint({ ...base, body: Buffer.from([0, 1, 3]) }),
      requestFingerprint({ ...base, method: 'PATCH', body: Buffer.from([0, 1, 2]) }),
      requestFingerprint({ ...base, path: '/orders/2', body: Buffer.from([0, 1, 2]) }),
      requestFingerprint({ ...base, query: 'x=1', body: Buffer.from([0, 1, 2]) }),
      requestFingerprint({ ...base, body: { n: 1 } }),
      requestFingerprint({ ...base, body: { n: '1' } }),
    ]);
    expect(prints.size).toBe(7);
  });

  it('treats no body and an empty body alike, and the method case-insensitively', () => {
    const none = requestFingerprint(base);
    expect(requestFingerprint({ ...base, body: '' })).toBe(none);
    expect(requestFingerprint({ ...base, body: Buffer.alloc(0) })).toBe(none);
    expect(requestFingerprint({ ...base, method: 'post' })).toBe(none);
  });
});
