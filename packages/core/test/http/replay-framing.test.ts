import { describe, expect, it } from 'vitest';
import { fromStored } from '../../src/http/stored-response.js';

describe('fromStored framing (RFC 9110 section 8.6)', () => {
  it.each([204, 304])('replays a %i without Content-Length', (status) => {
    const replay = fromStored({ status, headers: [['etag', '"v1"']], body: new Uint8Array() });
    expect(replay.headers['content-length']).toBeUndefined();
    expect(replay.headers.etag).toBe('"v1"');
  });

  it.each([200, 201, 205, 404])('replays a %i with the stored body length', (status) => {
    const replay = fromStored({ status, headers: [], body: new Uint8Array(3) });
    expect(replay.headers['content-length']).toBe('3');
  });
});
