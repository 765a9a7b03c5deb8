import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ENCODED_PLAIN } from '../app.js';
import { exchange, headerValues, type RawAnswer } from '../raw-http.js';
import type { Servers } from '../security/context.js';

const problemType = (code: string) => `https://oncely.dev/problems/${code}`;

/** A keyed POST with exactly these request headers (no Accept-Encoding unless given). */
function post(base: string, path: string, key: string, headers: [string, string][] = []) {
  return exchange(base, {
    method: 'POST',
    path,
    headers: [['Idempotency-Key', key], ['Content-Type', 'application/json'], ...headers],
    body: Buffer.from('{"amount":1}'),
  });
}

const coding = (answer: RawAnswer) => headerValues(answer, 'content-encoding').join(', ');

/**
 * DESIGN.md's HTTP table: a stored body with a content-coding the client did not accept is
 * never sent to that client. It is decoded for it (gzip, deflate, br), or refused with a 406
 * problem when it cannot be; a client that accepts the coding gets the stored bytes.
 */
export function contentCoding(servers: Servers): void {
  describe('content-coding of replays', () => {
    it.each(['gzip', 'deflate', 'br'])(
      'a body the handler encoded with %s is replayed decoded to a client without Accept-Encoding',
      async (name) => {
        const { base, app } = await servers.start();
        const key = randomUUID();
        const path = `/r/encoded?coding=${name}`;
        const live = await post(base, path, key, [['Accept-Encoding', name]]);
        expect(live.status).toBe(201);
        expect(coding(live)).toBe(name);
        const bare = await post(base, path, key);
        expect(bare.status).toBe(201);
        expect(headerValues(bare, 'idempotent-replayed')).toEqual(['true']);
        expect(coding(bare)).toBe('');
        expect(bare.body.equals(ENCODED_PLAIN)).toBe(true);
        expect(headerValues(bare, 'content-length')).toEqual([String(ENCODED_PLAIN.byteLength)]);
        expect(headerValues(bare, 'vary').join(',').toLowerCase()).toContain('accept-encoding');
        expect(app.calls('encoded')).toBe(1);
      },
    );

    it.each([
      ['gzip', true],
      ['*', true],
      ['br, gzip;q=0.1', true],
      ['gzip;q=0, identity', false],
      ['*;q=0', false],
      ['br', false],
      ['', false],
    ])('Accept-Encoding %j on the replay of a gzip body: gzip sent %s', async (accept, gzip) => {
      const { base } = await servers.start();
      const key = randomUUID();
      const live = await post(base, '/r/encoded?coding=gzip', key, [['Accept-Encoding', 'gzip']]);
      const replay = await post(base, '/r/encoded?coding=gzip', key, [['Accept-Encoding', accept]]);
      expect(replay.status).toBe(201);
      expect(headerValues(replay, 'idempotent-replayed')).toEqual(['true']);
      if (gzip) {
        expect(coding(replay)).toBe('gzip');
        expect(replay.body.equals(live.body)).toBe(true);
      } else {
        expect(coding(replay)).toBe('');
        expect(replay.body.equals(ENCODED_PLAIN)).toBe(true);
      }
    });

    it('a coding that cannot be decoded is refused with 406, never sent; a client that accepts it gets it', async () => {
      const { base, app } = await servers.start();
      const key = randomUUID();
      const path = '/r/encoded?coding=x-unknown';
      const live = await post(base, path, key, [['Accept-Encoding', 'x-unknown']]);
      expect(coding(live)).toBe('x-unknown');
      const refused = await post(base, path, key, [['Accept-Encoding', 'gzip']]);
      expect(refused.status).toBe(406);
      expect(JSON.parse(refused.body.toString('utf8'))).toMatchObject({
        type: problemType('content-coding-not-acceptable'),
        status: 406,
      });
      const accepted = await post(base, path, key, [['Accept-Encoding', 'x-unknown']]);
      expect(accepted.status).toBe(201);
      expect(accepted.body.equals(live.body)).toBe(true);
      expect(app.calls('encoded')).toBe(1);
    });

    it("the framework's real compression mounted after oncely: gzip only for clients that ask", async () => {
      const { base, app } = await servers.start({}, undefined, { compress: true });
      const key = randomUUID();
      const live = await post(base, '/r/order', key, [['Accept-Encoding', 'gzip']]);
      expect(live.status).toBe(201);
      expect(coding(live)).toBe('gzip');
      const plain = gunzipSync(live.body);
      expect(JSON.parse(plain.toString('utf8'))).toMatchObject({ order: 1 });

      const bare = await post(base, '/r/order', key);
      expect(bare.status).toBe(201);
      expect(headerValues(bare, 'idempotent-replayed')).toEqual(['true']);
      expect(coding(bare)).toBe('');
      expect(bare.body.equals(plain)).toBe(true);

      const gzip = await post(base, '/r/order', key, [['Accept-Encoding', 'gzip']]);
      expect(coding(gzip)).toBe('gzip');
      expect(gunzipSync(gzip.body).equals(plain)).toBe(true);
      expect(app.calls('order')).toBe(1);

      // The other way round: stored plain (first client asked for nothing), a gzip client's
      // replay is whatever the compressor makes of it, and decodes to the same bytes.
      const other = randomUUID();
      const first = await post(base, '/r/order', other);
      expect(coding(first)).toBe('');
      const again = await post(base, '/r/order', other, [['Accept-Encoding', 'gzip']]);
      const body = coding(again) === 'gzip' ? gunzipSync(again.body) : again.body;
      expect(body.equals(first.body)).toBe(true);
    });
  });
}
