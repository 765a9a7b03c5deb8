import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exchange, headerValues, type RawAnswer } from '../raw-http.js';
import type { Servers } from '../security/context.js';

const problemType = (code: string) => `https://oncely.dev/problems/${code}`;

function post(base: string, path: string, headers: [string, string][], body = '{"a":1}') {
  return exchange(base, {
    method: 'POST',
    path,
    headers: [['Content-Type', 'application/json'], ...headers],
    body: Buffer.from(body),
  });
}

/** What a client can tell of a response, apart from per-response headers. */
const shape = (answer: RawAnswer) => ({
  status: answer.status,
  contentType: headerValues(answer, 'content-type'),
  contentLength: headerValues(answer, 'content-length'),
  body: answer.body.toString('latin1'),
});

/** Protocol details where a keyed response must not differ from the one without oncely. */
export function protocolFaults(servers: Servers): void {
  describe('protocol faults', () => {
    it.each([204, 304])(
      'a %i is framed like the one without a key, live and replayed (RFC 9110 section 8.6)',
      async (code) => {
        const { base } = await servers.start();
        const path = `/r/status?code=${code}`;
        const plain = shape(await post(base, path, []));
        const key = randomUUID();
        const live = await post(base, path, [['Idempotency-Key', key]]);
        const replay = await post(base, path, [['Idempotency-Key', key]]);
        expect(headerValues(replay, 'idempotent-replayed')).toEqual(['true']);
        expect(shape(live)).toEqual(plain);
        expect(shape(replay)).toEqual(plain);
        expect(headerValues(replay, 'transfer-encoding')).toEqual([]);
        // A 204 never has a Content-Length; a 304's is the framework's own choice.
        if (code === 204) expect(headerValues(replay, 'content-length')).toEqual([]);
      },
    );

    it.each([
      ['a status set alone (202)', '/r/status-only?code=202'],
      ['no route matched', '/no-such-route'],
    ])(
      '%s: the keyed response, live and replayed, is what the framework sends without a key',
      async (_, path) => {
        const { base } = await servers.start();
        const plain = shape(await post(base, path, []));
        const key = randomUUID();
        const live = await post(base, path, [['Idempotency-Key', key]]);
        const again = await post(base, path, [['Idempotency-Key', key]]);
        expect(shape(live)).toEqual(plain);
        expect(shape(again)).toEqual(plain);
      },
    );

    it.each([
      ['a,b', 'two values folded without a space'],
      ['a, b', 'two values folded with a space'],
      ['a,', 'a value and an empty one'],
    ])('the key header %j (%s) is refused with 400 invalid-key, never run', async (value) => {
      const { base, app } = await servers.start();
      const reply = await post(base, '/r/order', [['Idempotency-Key', value]]);
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body.toString('utf8'))).toMatchObject({
        type: problemType('invalid-key'),
      });
      expect(app.calls('order')).toBe(0);
    });

    it('a quoted sf-string key "a,b" is one key: run once, then replayed', async () => {
      const { base, app } = await servers.start();
      const key = `"${randomUUID()},x"`;
      const first = await post(base, '/r/order', [['Idempotency-Key', key]]);
      const again = await post(base, '/r/order', [['Idempotency-Key', key]]);
      expect(first.status).toBe(201);
      expect(headerValues(again, 'idempotent-replayed')).toEqual(['true']);
      expect(app.calls('order')).toBe(1);
    });

    it('a JSON body nested 5 000 levels deep (10 KB) is a 400 problem, not a 500; never run', async () => {
      const { base, app } = await servers.start();
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      const reply = await post(base, '/r/order', [['Idempotency-Key', randomUUID()]], deep);
      expect(reply.status).toBe(400);
      expect(headerValues(reply, 'content-type')[0]).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(reply.body.toString('utf8'))).toMatchObject({
        type: problemType('request-too-deep'),
        status: 400,
      });
      expect(app.calls('order')).toBe(0);
    });
  });
}
