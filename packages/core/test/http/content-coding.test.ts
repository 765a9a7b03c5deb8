import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  acceptsCodings,
  type CapturedResponse,
  ContentCodingNotAcceptableError,
  contentCodings,
  createHttpIdempotency,
  type HttpRequest,
  nodeContentDecoders,
  replayForClient,
} from '../../src/index.js';
import { MemoryStore } from '../support/memory.js';

const plain = Buffer.from(JSON.stringify({ order: 42, note: 'x'.repeat(200) }));
const coded = (coding: string, body: Uint8Array) => ({
  status: 201,
  headers: {
    'content-type': 'application/json',
    'content-encoding': coding,
    'content-length': String(body.byteLength),
  },
  body,
});

describe('acceptsCodings (RFC 9110 section 12.5.3)', () => {
  it.each([
    ['gzip', ['gzip'], true],
    ['gzip, deflate, br', ['br'], true],
    ['GZIP', ['gzip'], true],
    ['x-gzip', ['gzip'], true],
    ['gzip;q=0.5', ['gzip'], true],
    ['gzip;q=0', ['gzip'], false],
    ['gzip ; q=0.000', ['gzip'], false],
    ['*', ['gzip'], true],
    ['*;q=0', ['gzip'], false],
    ['*, gzip;q=0', ['gzip'], false],
    ['gzip, *;q=0', ['gzip'], true],
    ['identity', ['gzip'], false],
    ['br', ['gzip'], false],
    ['', ['gzip'], false],
    ['gzip;q=abc', ['gzip'], false],
    ['gzip', ['gzip', 'br'], false],
    ['gzip, br', ['gzip', 'br'], true],
    [['deflate', 'gzip'], ['gzip'], true],
  ] as const)('Accept-Encoding %j accepts %j: %s', (header, codings, expected) => {
    expect(acceptsCodings(header as string | string[], codings)).toBe(expected);
  });

  it('accepts no coding when the request has no Accept-Encoding, and identity always', () => {
    expect(acceptsCodings(undefined, ['gzip'])).toBe(false);
    expect(acceptsCodings(undefined, [])).toBe(true);
    expect(acceptsCodings('*;q=0', [])).toBe(true);
  });

  it('reads Content-Encoding as the codings applied, identity left out', () => {
    expect(contentCodings('gzip, br')).toEqual(['gzip', 'br']);
    expect(contentCodings('identity')).toEqual([]);
    expect(contentCodings(undefined)).toEqual([]);
    expect(contentCodings('X-Gzip')).toEqual(['gzip']);
  });
});

describe('replayForClient', () => {
  it.each([
    ['gzip', gzipSync(plain)],
    ['x-gzip', gzipSync(plain)],
    ['deflate', deflateSync(plain)],
    ['br', brotliCompressSync(plain)],
  ])('decodes %s for a client that did not accept it', async (coding, body) => {
    const replay = await replayForClient(coded(coding, body), {}, nodeContentDecoders);
    expect(Buffer.from(replay.body).equals(plain)).toBe(true);
    expect(replay.headers['content-encoding']).toBeUndefined();
    expect(replay.headers['content-length']).toBe(String(plain.byteLength));
    expect(replay.headers.vary).toBe('Accept-Encoding');
    expect(replay.headers['content-type']).toBe('application/json');
  });

  it('undoes several codings, the last applied first', async () => {
    const twice = brotliCompressSync(gzipSync(plain));
    const replay = await replayForClient(
      coded('gzip, br', twice),
      { 'accept-encoding': 'gzip' },
      nodeContentDecoders,
    );
    expect(Buffer.from(replay.body).equals(plain)).toBe(true);
  });

  it('sends the stored bytes to a client that accepts the coding, varying on it', async () => {
    const gz = gzipSync(plain);
    const stored = {
      ...coded('gzip', gz),
      headers: { ...coded('gzip', gz).headers, vary: 'Origin' },
    };
    const replay = await replayForClient(
      stored,
      { 'accept-encoding': 'gzip, br' },
      nodeContentDecoders,
    );
    expect(Buffer.from(replay.body).equals(gz)).toBe(true);
    expect(replay.headers['content-encoding']).toBe('gzip');
    expect(replay.headers.vary).toBe('Origin, Accept-Encoding');
  });

  it('keeps a Vary that already names Accept-Encoding', async () => {
    const gz = gzipSync(plain);
    const stored = {
      ...coded('gzip', gz),
      headers: { ...coded('gzip', gz).headers, vary: 'Accept-Encoding' },
    };
    const replay = await replayForClient(stored, {}, nodeContentDecoders);
    expect(replay.headers.vary).toBe('Accept-Encoding');
  });

  it('refuses a coding it cannot undo with a 406 error rather than send it', async () => {
    await expect(
      replayForClient(
        coded('zstd', Buffer.from('??')),
        { 'accept-encoding': 'gzip' },
        nodeContentDecoders,
      ),
    ).rejects.toBeInstanceOf(ContentCodingNotAcceptableError);
  });

  it('leaves a response without a content-coding alone', async () => {
    const response = { status: 200, headers: { 'content-type': 'text/plain' }, body: plain };
    expect(
      await replayForClient(response, { 'accept-encoding': 'identity;q=0' }, nodeContentDecoders),
    ).toBe(response);
  });
});

describe('handle: a stored gzip body', () => {
  const request = (headers: Record<string, string>): HttpRequest => ({
    method: 'POST',
    path: '/orders',
    headers: { 'idempotency-key': 'k', ...headers },
    body: { amount: 5 },
  });
  const gz = gzipSync(plain);
  const downstream = async (): Promise<CapturedResponse> => ({
    status: 201,
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      vary: 'Accept-Encoding',
    },
    body: gz,
    complete: true,
  });

  it('is replayed decoded without Accept-Encoding, as stored with it, and 406 when undecodable', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    await http.handle(request({ 'accept-encoding': 'gzip' }), downstream);
    const bare = await http.handle(request({}), downstream);
    const gzip = await http.handle(request({ 'accept-encoding': 'gzip' }), downstream);
    if (bare.action !== 'send' || gzip.action !== 'send') throw new Error('expected replays');
    expect(bare.source).toBe('replay');
    expect(Buffer.from(bare.response.body).equals(plain)).toBe(true);
    expect(bare.response.headers['content-encoding']).toBeUndefined();
    expect(Buffer.from(gzip.response.body).equals(gz)).toBe(true);
    expect(gzip.response.headers['content-encoding']).toBe('gzip');

    const odd = createHttpIdempotency({ store: new MemoryStore() });
    const zstd = async (): Promise<CapturedResponse> => ({
      ...(await downstream()),
      headers: { 'content-encoding': 'zstd' },
    });
    await odd.handle(request({ 'accept-encoding': 'zstd' }), zstd);
    const refused = await odd.handle(request({}), zstd);
    expect(refused.action === 'send' && refused.response.status).toBe(406);
    expect(refused.action === 'send' && refused.source).toBe('problem');
  });
});
