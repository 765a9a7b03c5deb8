import { Readable } from 'node:stream';
import { deferred } from '@oncely/testing';
import { describe, expect, it } from 'vitest';
import {
  type CapturedResponse,
  createHttpIdempotency,
  type HttpDecision,
  type HttpRequest,
  InvalidArgumentError,
  type OncelyEvent,
  readBounded,
  type Store,
} from '../../src/index.js';
import { MemoryStore } from '../support/memory.js';

const request = (key: string | undefined, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'POST',
  path: '/orders',
  query: '',
  headers: key === undefined ? {} : { 'idempotency-key': key },
  body: { amount: 5 },
  ...extra,
});

const respond =
  (status: number, body = 'ok', headers: Record<string, string | string[]> = {}) =>
  async (): Promise<CapturedResponse> => ({
    status,
    headers: { 'content-type': 'text/plain', 'set-cookie': 's=1', ...headers },
    body: Buffer.from(body),
    complete: true,
  });

const text = (decision: HttpDecision) =>
  decision.action === 'send' ? Buffer.from(decision.response.body).toString() : decision.action;

describe('createHttpIdempotency().handle', () => {
  it('passes through uncovered methods and optional missing keys without calling downstream', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    let calls = 0;
    const downstream = async () => {
      calls++;
      return respond(200)();
    };
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']) {
      expect(await http.handle(request('k', { method }), downstream)).toEqual({ action: 'pass' });
    }
    expect(await http.handle(request(undefined), downstream)).toEqual({ action: 'pass' });
    expect(calls).toBe(0);
  });

  it('answers 400 for a missing key when required, and for a malformed key', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore(), required: true });
    const missing = await http.handle(request(undefined), respond(200));
    expect(missing).toMatchObject({ action: 'send', source: 'problem', response: { status: 400 } });
    const bad = await http.handle(request('"unterminated'), respond(200));
    expect(bad).toMatchObject({ action: 'send', source: 'problem', response: { status: 400 } });
  });

  it('sends the live response, then replays status, filtered headers and bytes', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    const first = await http.handle(request('k1'), respond(201, 'created', { 'x-id': '9' }));
    expect(first).toMatchObject({ action: 'send', source: 'live', response: { status: 201 } });
    if (first.action !== 'send') throw new Error('expected send');
    expect(first.response.headers['set-cookie']).toBe('s=1'); // the live response is untouched
    const again = await http.handle(request('k1'), respond(500, 'must not run'));
    expect(again).toMatchObject({ action: 'send', source: 'replay', response: { status: 201 } });
    if (again.action !== 'send') throw new Error('expected send');
    expect(text(again)).toBe('created');
    expect(again.response.headers).toEqual({
      'content-type': 'text/plain',
      'x-id': '9',
      'content-length': '7',
      'idempotent-replayed': 'true',
    });
  });

  it('answers 422 for the same key with another body', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    await http.handle(request('k2'), respond(200));
    const other = await http.handle(request('k2', { body: { amount: 6 } }), respond(200));
    expect(other).toMatchObject({ action: 'send', source: 'problem', response: { status: 422 } });
  });

  it('releases 5xx and a thrown handler, so the retry runs again', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    expect(text(await http.handle(request('k3'), respond(503, 'busy')))).toBe('busy');
    await expect(
      http.handle(request('k3'), async () => {
        throw new Error('handler broke');
      }),
    ).rejects.toThrow('handler broke');
    const third = await http.handle(request('k3'), respond(200, 'third'));
    expect(third).toMatchObject({ source: 'live' });
  });

  it('lets a user policy decide what is stored', async () => {
    const http = createHttpIdempotency({
      store: new MemoryStore(),
      shouldStore: (response) => response.status !== 404,
    });
    await http.handle(request('k4'), respond(404));
    expect(await http.handle(request('k4'), respond(201))).toMatchObject({ source: 'live' });
    expect(await http.handle(request('k4'), respond(201))).toMatchObject({ source: 'replay' });
  });

  it('answers 409 with Retry-After while the first request runs', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore(), lease: '10s' });
    let finish: (value: CapturedResponse) => void = () => {};
    const running = deferred();
    const first = http.handle(request('k5'), () => {
      running.resolve();
      return new Promise((resolve) => (finish = resolve));
    });
    await running.promise; // the first request holds the key and runs downstream
    const second = await http.handle(request('k5'), respond(200));
    expect(second).toMatchObject({ source: 'problem', response: { status: 409 } });
    if (second.action !== 'send') throw new Error('expected send');
    const seconds = Number(second.response.headers['retry-after']);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(10);
    finish(await respond(200)());
    expect(await first).toMatchObject({ source: 'live' });
  });

  it('fails closed with 503 + Retry-After when the store is down, without running downstream', async () => {
    const store = new MemoryStore();
    await store.close();
    const http = createHttpIdempotency({ store });
    let ran = false;
    const decision = await http.handle(request('k6'), async () => {
      ran = true;
      return respond(200)();
    });
    expect(decision).toMatchObject({ source: 'problem', response: { status: 503 } });
    if (decision.action !== 'send') throw new Error('expected send');
    expect(decision.response.headers['retry-after']).toBe('1');
    expect(ran).toBe(false);
  });

  it('still sends the live response when the store fails after the handler ran', async () => {
    const inner = new MemoryStore();
    const store: Store = Object.assign(Object.create(inner) as Store, {
      complete: async () => {
        throw new Error('connection reset');
      },
    });
    const events: OncelyEvent['type'][] = [];
    const http = createHttpIdempotency({ store, onEvent: (e) => events.push(e.type) });
    const decision = await http.handle(request('k7'), respond(201, 'charged'));
    expect(decision).toMatchObject({ source: 'live', response: { status: 201 } });
    expect(events).toContain('store_error');
  });

  it('reports a body streamed past the limit as done and releases the key with an event', async () => {
    const events: OncelyEvent[] = [];
    const http = createHttpIdempotency({
      store: new MemoryStore(),
      maxBodyBytes: 4,
      onEvent: (e) => events.push(e),
    });
    const big = async (): Promise<CapturedResponse> => ({
      status: 200,
      headers: {},
      body: Buffer.from('12345'),
      complete: false,
    });
    expect(await http.handle(request('k8'), big)).toEqual({ action: 'done' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'released', reason: 'policy' }));
    expect(await http.handle(request('k8'), respond(200))).toMatchObject({ source: 'live' });
  });

  it('keeps keys of different scopes apart', async () => {
    const http = createHttpIdempotency({
      store: new MemoryStore(),
      scope: (r) => String(r.headers['x-tenant']),
    });
    const a = request('same', { headers: { 'idempotency-key': 'same', 'x-tenant': 'a' } });
    const b = request('same', { headers: { 'idempotency-key': 'same', 'x-tenant': 'b' } });
    expect(await http.handle(a, respond(201, 'a'))).toMatchObject({ source: 'live' });
    expect(await http.handle(b, respond(201, 'b'))).toMatchObject({ source: 'live' });
    expect(text(await http.handle(a, respond(201, 'x')))).toBe('a');
  });

  it('validates its options at start-up, naming the field', () => {
    const store = new MemoryStore();
    expect(() => createHttpIdempotency({ store, header: 'bad header' })).toThrow(/header/);
    expect(() => createHttpIdempotency({ store, methods: ['PO ST'] })).toThrow(/methods/);
    expect(() => createHttpIdempotency({ store, maxBodyBytes: -1 })).toThrow(/maxBodyBytes/);
    expect(() => createHttpIdempotency({ store, replayHeaders: ['connection'] })).toThrow(
      InvalidArgumentError,
    );
    // biome-ignore lint/suspicious/noExplicitAny: checking what plain JavaScript callers can pass
    expect(() => createHttpIdempotency({ store, scope: 'tenant' as any })).toThrow(/scope/);
    // biome-ignore lint/suspicious/noExplicitAny: as above
    expect(() => createHttpIdempotency({ store, required: 'yes' as any })).toThrow(/required/);
  });

  it('sizes maxBodyBytes from the store when not given', () => {
    expect(createHttpIdempotency({ store: new MemoryStore() }).settings.maxBodyBytes).toBe(
      1024 * 1024,
    );
    const small = new MemoryStore({ maxResultBytes: 1_000_000 });
    expect(createHttpIdempotency({ store: small }).settings.maxBodyBytes).toBe(1_000_000 - 65_536);
    const tiny = new MemoryStore({ maxResultBytes: 100_000 });
    expect(createHttpIdempotency({ store: tiny }).settings.maxBodyBytes).toBe(50_000);
  });
});

describe('readBounded', () => {
  it('returns a stream within the limit as bytes', async () => {
    const read = await readBounded(Readable.from([Buffer.from('ab'), 'cd']), 4);
    expect(read.complete).toBe(true);
    expect(Buffer.from(read.body).toString()).toBe('abcd');
  });

  it('hands back a longer stream whole, having held only about the limit', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, i));
    const read = await readBounded(Readable.from(chunks), 2500);
    expect(read.complete).toBe(false);
    if (read.complete) throw new Error('expected a stream');
    expect(read.body.byteLength).toBe(3000);
    const all: Buffer[] = [];
    for await (const chunk of read.stream) all.push(chunk as Buffer);
    expect(Buffer.concat(all).equals(Buffer.concat(chunks))).toBe(true);
  });
});
