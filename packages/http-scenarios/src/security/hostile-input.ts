import { randomUUID } from 'node:crypto';
import { METHODS } from 'node:http';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { send } from '../client.js';
import { exchange, headerValues, isParserRefusal, type RawAnswer } from '../raw-http.js';
import { checkSettings, type Servers, type Started } from './context.js';
import { keyVerdict, otherSpelling, storedByDefault, TOKEN } from './models.js';

const PROBLEMS = 'https://oncely.dev/problems/';

function isProblem(answer: { headers: [string, string][]; body: Buffer }, code?: string): boolean {
  const type = answer.headers.find(([name]) => name === 'content-type')?.[1] ?? '';
  if (!type.startsWith('application/problem+json')) return false;
  const body = JSON.parse(answer.body.toString('utf8')) as { type?: string };
  return code === undefined
    ? body.type?.startsWith(PROBLEMS) === true
    : body.type === PROBLEMS + code;
}

function replayed(answer: RawAnswer): string[] {
  return headerValues(answer, 'idempotent-replayed');
}

/** The server still answers a plain keyed request: nothing above crashed or wedged it. */
async function stillServes(server: Started): Promise<void> {
  const reply = await send(server.url('/r/order'), { key: randomUUID(), body: { alive: true } });
  expect(reply.status).toBe(201);
}

// Header values as raw bytes: printable ASCII, obs-text (0x80-0xff), HTAB/SP at the edges, and
// now and then a control byte node must refuse (CR and LF are left out: they end the line).
const valueByte = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  { weight: 1, arbitrary: fc.constantFrom(0x09, 0x00, 0x01, 0x0b, 0x1f, 0x7f) },
);
const rawBytes = (maxLength: number) =>
  fc.array(valueByte, { maxLength }).map((bytes) => Buffer.from(bytes));
const visible = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
// Anything visible but ':', which would end the name (so names that are not tokens show up).
const nameChar = visible.filter((c) => c !== ':');
const sfChar = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  },
  { weight: 1, arbitrary: fc.constantFrom('\\"', '\\\\', '\\n', '\\', '"') },
);
const keyValue = fc.oneof(
  // Empty: alone it is refused; sent twice, node joins the copies into ", ".
  fc.constant(''),
  // Bare keys, mostly valid, around the 255-character limit too.
  fc.string({ unit: visible, minLength: 1, maxLength: 40 }),
  fc.integer({ min: 250, max: 260 }).map((n) => 'k'.repeat(n)),
  // sf-strings, with escapes, stray quotes and backslashes.
  fc
    .tuple(fc.array(sfChar, { maxLength: 30 }), fc.constantFrom('"', '', '"x', '";a=1'))
    .map(([chars, end]) => `"${chars.join('')}${end}`),
  // Anything at all (minus CR/LF), latin1.
  rawBytes(300).map((bytes) => bytes.toString('latin1')),
);
const keyHeader = fc.record({
  value: fc
    .tuple(fc.constantFrom('', ' ', '\t', ' \t'), keyValue, fc.constantFrom('', ' ', '\t'))
    .map(([lead, value, trail]) => Buffer.from(`${lead}${value}${trail}`, 'latin1')),
  times: fc.constantFrom(1, 1, 1, 1, 2),
});

export function hostileInput(servers: Servers): void {
  describe('hostile input: no 5xx from oncely, no crash, only the documented answers', () => {
    let server: Started;
    beforeAll(async () => {
      // Each property run gets its own scope, so a key generated twice starts fresh.
      server = await servers.start({ scope: (request) => String(request.headers['x-run-id']) });
    });

    it('any Idempotency-Key value: node 400, oncely 400 invalid-key, or the handler then its replay', async () => {
      await fc.assert(
        fc.asyncProperty(keyHeader, async ({ value, times }) => {
          const verdict = keyVerdict(value, times, servers.parser);
          const runId = randomUUID();
          const request = (key: Buffer | string, repeat = times) => ({
            method: 'POST',
            path: '/r/order',
            headers: [
              ['X-Run-Id', runId] as const,
              ...Array.from({ length: repeat }, () => ['Idempotency-Key', key] as const),
            ],
          });
          const before = server.app.calls('order');
          const first = await exchange(server.base, request(value));
          if (verdict.kind === 'node-400') {
            expect(isParserRefusal(first, 400), first.head).toBe(true);
          } else if (verdict.kind === 'invalid') {
            expect(first.status).toBe(400);
            expect(isProblem(first, 'invalid-key')).toBe(true);
          } else {
            expect(first.status).toBe(201);
            expect(replayed(first)).toEqual([]);
            const again = await exchange(server.base, request(value));
            const spelling = otherSpelling(value, verdict.key);
            const retries = [again];
            if (spelling !== undefined) {
              retries.push(await exchange(server.base, request(spelling, 1)));
            }
            for (const retry of retries) {
              expect(retry.status).toBe(201);
              expect(replayed(retry)).toEqual(['true']);
              expect(retry.body.equals(first.body)).toBe(true);
            }
          }
          expect(server.app.calls('order')).toBe(before + (verdict.kind === 'valid' ? 1 : 0));
        }),
        checkSettings(150),
      );
      await stillServes(server);
    });

    it('any other header (names, values, the scope header): node 400, or the handler then its replay', async () => {
      const headerName = fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .string({ unit: nameChar, minLength: 1, maxLength: 20 })
            .map((n) => `x-${n}`),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'accept',
            'user-agent',
            'cookie',
            'authorization',
            'x-forwarded-for',
            'accept-language',
          ),
        },
      );
      const headers = fc.array(fc.tuple(headerName, rawBytes(200)), { maxLength: 6 });
      // The scope comes from a header here: tenant values up to past the 1024-character limit
      // a scope may have.
      const tenant = fc.oneof(
        rawBytes(64),
        fc.integer({ min: 1000, max: 1100 }).map((n) => Buffer.from('t'.repeat(n))),
      );
      const scoped = await servers.start({
        scope: (request) => String(request.headers['x-tenant'] ?? ''),
      });
      await fc.assert(
        fc.asyncProperty(headers, tenant, async (extra, tenantValue) => {
          const all: [string, Buffer][] = [...extra, ['x-tenant', tenantValue]];
          const refused = all.some(
            ([name, value]) => !TOKEN.test(name) || servers.parser.refusesValue(value),
          );
          const request = {
            method: 'POST',
            path: '/r/order',
            headers: [...all, ['Idempotency-Key', randomUUID()] as const],
          };
          const first = await exchange(scoped.base, request);
          if (refused) {
            expect(isParserRefusal(first, 400), first.head).toBe(true);
            return;
          }
          expect(first.status, first.body.toString()).toBe(201);
          const again = await exchange(scoped.base, request);
          expect(again.status).toBe(201);
          expect(replayed(again)).toEqual(['true']);
          expect(again.body.equals(first.body)).toBe(true);
        }),
        checkSettings(100),
      );
      await stillServes(scoped);
    });

    it('any body (JSON, text, bytes, junk, odd types): the handler then its replay, or the framework refusing it', async () => {
      const jsonBody = fc.jsonValue({ maxDepth: 3 }).map((value) => ({
        kind: 'json' as const,
        bytes: Buffer.from(JSON.stringify(value) ?? 'null'),
        type: 'application/json',
        value,
      }));
      const textBody = fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => ({
        kind: 'text' as const,
        bytes: Buffer.from(text),
        type: 'text/plain; charset=utf-8',
        value: text,
      }));
      const bytesBody = fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({
        kind: 'bytes' as const,
        bytes: Buffer.from(bytes),
        type: 'application/octet-stream',
        value: undefined,
      }));
      const junk = fc
        .tuple(
          fc.oneof(
            fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
            fc.string({ maxLength: 100 }).map((s) => Buffer.from(s)),
          ),
          fc.constantFrom(
            'application/json',
            'application/merge-patch+json',
            'application/xml',
            'image/png',
            'text/csv',
          ),
        )
        .map(([bytes, type]) => ({ kind: 'junk' as const, bytes, type, value: undefined }));
      const body = fc.oneof(jsonBody, textBody, bytesBody, junk);

      await fc.assert(
        fc.asyncProperty(body, async (input) => {
          const key = randomUUID();
          const post = (bytes: Buffer) =>
            send(server.url('/r/order'), {
              key,
              body: bytes,
              contentType: input.type,
              headers: { 'x-run-id': key },
            });
          const first = await post(input.bytes);
          expect(first.status).toBeLessThan(500);
          // Plain JSON objects and arrays, text and bytes are what the test servers parse: the
          // handler must run. The rest may be refused by the framework's own parser (invalid
          // JSON, a top-level primitive in strict mode, `__proto__` keys, no parser for the
          // type), never by oncely.
          const mustRun =
            input.kind === 'bytes' ||
            (input.kind === 'text' && input.bytes.byteLength > 0) ||
            (input.kind === 'json' &&
              typeof input.value === 'object' &&
              input.value !== null &&
              !/"(?:__proto__|constructor)"/.test(input.bytes.toString()));
          if (first.status !== 201) {
            expect(mustRun, `${first.status} ${first.body.toString()}`).toBe(false);
            expect([400, 415]).toContain(first.status);
            expect(first.headers.get('content-type') ?? '').not.toMatch(/problem\+json/);
            return;
          }
          const again = await post(input.bytes);
          expect(again.status).toBe(201);
          expect(again.headers.get('idempotent-replayed')).toBe('true');
          expect(again.body.equals(first.body)).toBe(true);
          // A body that differs canonically is another request: 422, whatever it holds.
          const changed = await post(
            Buffer.concat([input.bytes, Buffer.from(input.kind === 'json' ? ' ' : 'x')]),
          );
          if (input.kind === 'json') {
            // Trailing whitespace is not a change in JSON: still the same request.
            expect(changed.headers.get('idempotent-replayed')).toBe('true');
          } else if (input.kind === 'text' || input.kind === 'bytes') {
            // (A body no parser read is not part of the fingerprint, so junk is left out.)
            expect(changed.status).toBe(422);
            expect(changed.json()).toMatchObject({ type: `${PROBLEMS}fingerprint-mismatch` });
          }
        }),
        checkSettings(150),
      );
      await stillServes(server);
    });

    it('any method: node 400 for what it does not know, pass-through for uncovered ones, replay for covered ones', async () => {
      const covered = ['POST', 'PATCH', 'DELETE'];
      const custom = await servers.start({ methods: covered });
      const method = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...METHODS) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS).map((m) => m.toLowerCase()) },
        { weight: 1, arbitrary: fc.string({ unit: visible, minLength: 1, maxLength: 10 }) },
      );
      await fc.assert(
        fc.asyncProperty(method, async (name) => {
          const ordersBefore = custom.app.calls('order');
          const request = {
            method: name,
            path: '/r/order',
            headers: [
              ['Idempotency-Key', randomUUID()] as const,
              ['Content-Type', 'application/json'] as const,
            ],
            body: Buffer.from('{"a":1}'),
          };
          const first = await exchange(custom.base, request);
          const unknown = !METHODS.includes(name);
          if (unknown && servers.parser.unknownMethod(name) === 'bare-400') {
            expect(isParserRefusal(first, 400), first.head).toBe(true);
            return;
          }
          // No 'connect' listener: node closes the socket without an answer (Bun serves it).
          const closes = unknown || (name === 'CONNECT' && servers.parser.connect === 'close');
          if (closes) {
            expect(first.status).toBeUndefined();
            expect(custom.app.calls('order')).toBe(ordersBefore);
            return;
          }
          const second = await exchange(custom.base, request);
          for (const answer of [first, second]) {
            expect(answer.status).toBeDefined();
            expect(answer.status as number).toBeLessThan(500);
          }
          if (covered.includes(name)) {
            expect(replayed(first)).toEqual([]);
            // No x-run: the scenario route did not answer, the framework did (no route for it).
            const routed = headerValues(first, 'x-run').length > 0;
            if (storedByDefault(first.status as number, routed)) {
              expect(second.status).toBe(first.status);
              expect(replayed(second)).toEqual(['true']);
              expect(second.body.equals(first.body)).toBe(true);
            }
            return;
          }
          // Passed through: oncely neither replays nor answers, and the handler runs each time.
          for (const answer of [first, second]) {
            expect(replayed(answer)).toEqual([]);
            expect(isProblem(answer)).toBe(false);
          }
          const runs = [first, second].map((a) => headerValues(a, 'x-run')[0]);
          if (runs[0] !== undefined) expect(runs[1]).not.toBe(runs[0]);
        }),
        checkSettings(120),
      );
      await stillServes(custom);
    });
  });
}
