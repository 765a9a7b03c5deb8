import { describe, expect, it } from 'vitest';
import {
  type CapturedResponse,
  CredentialsMismatchError,
  createHttpIdempotency,
  DEFAULT_CREDENTIAL_HEADERS,
  defaultShouldStore,
  type HttpDecision,
  type HttpRequest,
  InvalidArgumentError,
} from '../../src/index.js';
import { MemoryStore } from '../support/memory.js';

const request = (headers: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  path: '/orders',
  query: '',
  headers: { 'idempotency-key': 'order-42', ...headers },
  body: { amount: 5 },
});

const created = async (): Promise<CapturedResponse> => ({
  status: 201,
  headers: {},
  body: Buffer.from('ok'),
  complete: true,
});

const problemType = (decision: HttpDecision) =>
  decision.action === 'send' && decision.source === 'problem'
    ? (JSON.parse(Buffer.from(decision.response.body).toString()) as { type: string }).type
    : decision.action;

describe('the default store policy', () => {
  it.each([401, 403, 500, 503, 408, 409, 425, 429])('releases %i', (status) => {
    expect(defaultShouldStore({ status, headers: {}, body: new Uint8Array() })).toBe(false);
  });

  it.each([200, 201, 400, 404, 422])('stores %i from a route', (status) => {
    const response = { status, headers: {}, body: new Uint8Array() };
    expect(defaultShouldStore(response, { unmatchedRoute: false })).toBe(true);
  });

  it("releases the framework's answer to a request no route matched", () => {
    const response = { status: 404, headers: {}, body: new Uint8Array() };
    expect(defaultShouldStore(response, { unmatchedRoute: true })).toBe(false);
  });
});

describe('credentials without a scope', () => {
  it('lists Authorization, Cookie and Proxy-Authorization by default', () => {
    expect(DEFAULT_CREDENTIAL_HEADERS).toEqual(['authorization', 'cookie', 'proxy-authorization']);
  });

  it('refuses other credentials with CredentialsMismatchError, and another body as a mismatch', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    expect((await http.handle(request({ authorization: 'Bearer a' }), created)).action).toBe(
      'send',
    );
    const other = await http.handle(request({ authorization: 'Bearer b' }), created);
    expect(problemType(other)).toBe('https://oncely.dev/problems/credentials-mismatch');
    const otherBody = await http.handle(
      { ...request({ authorization: 'Bearer b' }), body: { amount: 6 } },
      created,
    );
    expect(problemType(otherBody)).toBe('https://oncely.dev/problems/fingerprint-mismatch');
    const again = await http.handle(request({ authorization: 'Bearer a' }), created);
    expect(again.action === 'send' && again.source).toBe('replay');
  });

  it('moving a value from one credential header to another is other credentials', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    await http.handle(request({ authorization: 'x' }), created);
    const moved = await http.handle(request({ cookie: 'x' }), created);
    expect(problemType(moved)).toBe('https://oncely.dev/problems/credentials-mismatch');
  });

  it('is off with a scope (the scope says whose key it is) and with credentialHeaders: []', async () => {
    const scoped = createHttpIdempotency({ store: new MemoryStore(), scope: () => 'alice' });
    await scoped.handle(request({ authorization: 'Bearer old' }), created);
    const refreshed = await scoped.handle(request({ authorization: 'Bearer new' }), created);
    expect(refreshed.action === 'send' && refreshed.source).toBe('replay');
    const off = createHttpIdempotency({ store: new MemoryStore(), credentialHeaders: [] });
    await off.handle(request({ cookie: 'a' }), created);
    const replay = await off.handle(request({ cookie: 'b' }), created);
    expect(replay.action === 'send' && replay.source).toBe('replay');
  });

  it('takes its own list of headers', async () => {
    const http = createHttpIdempotency({
      store: new MemoryStore(),
      credentialHeaders: ['X-Api-Key'],
    });
    await http.handle(request({ 'x-api-key': 'k1', cookie: 'a' }), created);
    const sameKey = await http.handle(request({ 'x-api-key': 'k1', cookie: 'b' }), created);
    expect(sameKey.action === 'send' && sameKey.source).toBe('replay');
    const otherKey = await http.handle(request({ 'x-api-key': 'k2' }), created);
    expect(problemType(otherKey)).toBe('https://oncely.dev/problems/credentials-mismatch');
  });

  it('CredentialsMismatchError is a 422 with its own code', () => {
    const error = new CredentialsMismatchError();
    expect([error.status, error.statusCode, error.code]).toEqual([
      422,
      422,
      'credentials-mismatch',
    ]);
  });
});

describe('scope and fingerprint see the native request', () => {
  it('passes the context’s native request as the second argument', async () => {
    const seen: unknown[] = [];
    const native = { user: { id: 'u1' } };
    const http = createHttpIdempotency<typeof native>({
      store: new MemoryStore(),
      scope: (_request, req) => {
        seen.push(req);
        return req.user.id;
      },
      fingerprint: (_request, req) => {
        seen.push(req);
        return 'fixed';
      },
    });
    await http.handle(request(), created, { native });
    expect(seen).toEqual([native, native]);
  });
});

describe('problems', () => {
  it('uses problemTypeBase for the type URI', async () => {
    const http = createHttpIdempotency({
      store: new MemoryStore(),
      required: true,
      problemTypeBase: 'https://docs.example.com/errors/',
    });
    const decision = await http.handle({ ...request(), headers: {} }, created);
    expect(problemType(decision)).toBe('https://docs.example.com/errors/missing-key');
  });

  it('with problems: "throw", decides to throw the error with its status, headers and body', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore(), problems: 'throw' });
    const decision = await http.handle(request({ 'idempotency-key': '"bad' }), created);
    expect(decision.action).toBe('throw');
    if (decision.action !== 'throw') return;
    expect(decision.error.status).toBe(400);
    expect(decision.error.problem).toMatchObject({
      type: 'https://oncely.dev/problems/invalid-key',
      status: 400,
    });
    expect(decision.error.headers).toEqual({});
  });

  it.each([
    ['problems', { problems: 'maybe' }],
    ['problemTypeBase', { problemTypeBase: 'not a uri' }],
    ['credentialHeaders', { credentialHeaders: ['bad header'] }],
    ['credentialHeaders', { credentialHeaders: 'authorization' }],
  ])('refuses a bad %s', (field, options) => {
    expect(() =>
      createHttpIdempotency({ store: new MemoryStore(), ...(options as object) }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      createHttpIdempotency({ store: new MemoryStore(), ...(options as object) }),
    ).toThrow(field);
  });
});
