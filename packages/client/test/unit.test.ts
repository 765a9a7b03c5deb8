import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fullJitter } from '../src/backoff.js';
import { createClient, newKey, parseRetryAfter, RetriesExhaustedError } from '../src/index.js';
import { keyHeaderValue } from '../src/key.js';

/** A fetch that records what each attempt sent and answers from a script. */
function scripted(answers: (() => Response | Promise<Response>)[]) {
  const sent: { headers: Headers; body: Uint8Array }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push({ headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) });
    const next = answers.shift();
    if (!next) throw new Error('no more answers scripted');
    return next();
  };
  return { fetch, sent };
}

const noWait = async () => undefined;
const networkError = () => Promise.reject(new TypeError('fetch failed'));

describe('keys', () => {
  it('a fresh key is a v4 UUID (122 random bits), different every time', () => {
    const keys = new Set(Array.from({ length: 1000 }, newKey));
    expect(keys.size).toBe(1000);
    for (const key of keys) {
      expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('without randomUUID, getRandomValues makes the same shape', () => {
    const crypto = globalThis.crypto;
    const original = crypto.randomUUID;
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(newKey()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: original, configurable: true });
    }
  });

  it('is sent as an sf-string, escaped, or bare when asked', () => {
    expect(keyHeaderValue('a"b\\c', true)).toBe('"a\\"b\\\\c"');
    expect(keyHeaderValue('abc', false)).toBe('abc');
  });

  it('refuses a key no server accepts before sending anything', async () => {
    const { fetch, sent } = scripted([]);
    const client = createClient({ fetch });
    await expect(
      client.fetch('http://x/', { method: 'POST', idempotencyKey: 'has space' }),
    ).rejects.toBeInstanceOf(TypeError);
    expect(sent).toHaveLength(0);
  });

  it('a key the caller put in the headers is the operation key', async () => {
    const { fetch, sent } = scripted([networkError, () => new Response('ok', { status: 201 })]);
    const client = createClient({ fetch, sleep: noWait });
    const response = await client.fetch('http://x/', {
      method: 'POST',
      headers: { 'Idempotency-Key': '"order-9"' },
    });
    expect(response.idempotency.key).toBe('order-9');
    expect(sent.map((s) => s.headers.get('idempotency-key'))).toEqual(['"order-9"', '"order-9"']);
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP-dates', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });

  it('an HTTP-date Retry-After on a 429 is waited for', async () => {
    // The header has whole seconds and the client reads its own clock when the answer
    // arrives, so the wait is pinned between the clock before the call and at the sleep,
    // not to a fixed span a busy machine can eat into.
    const retryAt = new Date(Date.now() + 3000).toUTCString();
    const waits: { ms: number; at: number }[] = [];
    const { fetch } = scripted([
      () => new Response('slow down', { status: 429, headers: { 'retry-after': retryAt } }),
      () => new Response('ok', { status: 201 }),
    ]);
    const client = createClient({
      fetch,
      backoff: { baseMs: 1, maxMs: 1 },
      sleep: async (ms) => {
        waits.push({ ms, at: Date.now() });
      },
    });
    const calledAt = Date.now();
    const response = await client.fetch('http://x/', { method: 'POST' });
    expect(response.status).toBe(201);
    expect(waits).toHaveLength(1);
    const [wait] = waits as [{ ms: number; at: number }];
    expect(wait.ms).toBeGreaterThanOrEqual(Date.parse(retryAt) - wait.at);
    expect(wait.ms).toBeLessThanOrEqual(Date.parse(retryAt) - calledAt);
  });
});

describe('backoff', () => {
  it('full jitter: uniform below a ceiling that doubles up to maxMs', () => {
    const backoff = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => fullJitter(backoff, n, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(fullJitter(backoff, 3, () => 0)).toBe(0);
  });

  it('stops after maxAttempts with the last answer', async () => {
    const { fetch, sent } = scripted(
      Array.from({ length: 3 }, () => () => new Response('busy', { status: 503 })),
    );
    const client = createClient({ fetch, maxAttempts: 3, sleep: noWait });
    const error = await client.fetch('http://x/', { method: 'POST' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ reason: 'attempts', attempts: 3 });
    expect((error as RetriesExhaustedError).response?.status).toBe(503);
    expect(sent).toHaveLength(3);
  });
});

describe('bodies', () => {
  const twoAttempts = () => scripted([networkError, () => new Response('ok', { status: 201 })]);

  it('form data is encoded once: the same boundary and bytes on every attempt', async () => {
    const { fetch, sent } = twoAttempts();
    const form = new FormData();
    form.set('amount', '1000');
    form.set('file', new Blob(['receipt']), 'receipt.txt');
    await createClient({ fetch, sleep: noWait }).fetch('http://x/', { method: 'POST', body: form });
    expect(sent).toHaveLength(2);
    expect(sent[1]?.headers.get('content-type')).toBe(sent[0]?.headers.get('content-type'));
    expect(sent[0]?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(
      Buffer.from(sent[1]?.body as Uint8Array).equals(Buffer.from(sent[0]?.body as Uint8Array)),
    ).toBe(true);
  });

  const stream = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });

  it('a stream is sent once: no retry without a factory or buffering', async () => {
    const { fetch, sent } = twoAttempts();
    const error = await createClient({ fetch, sleep: noWait })
      .fetch('http://x/', { method: 'POST', body: stream('{"a":1}') })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'body-not-replayable', attempts: 1 });
    expect(sent).toHaveLength(1);
  });

  it('a buffered stream or a body factory is sent again, byte for byte', async () => {
    for (const init of [
      { body: stream('{"a":1}'), bufferBody: true },
      { body: () => stream('{"a":1}') },
    ]) {
      const { fetch, sent } = twoAttempts();
      const response = await createClient({ fetch, sleep: noWait }).fetch('http://x/', {
        method: 'POST',
        ...init,
      });
      expect(response.idempotency.attempts).toBe(2);
      expect(sent.map((s) => new TextDecoder().decode(s.body))).toEqual(['{"a":1}', '{"a":1}']);
    }
  });

  it('a Request input keeps its method, headers and body on every attempt', async () => {
    const { fetch, sent } = twoAttempts();
    const request = new Request('http://x/charges', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-trace': '1' },
      body: '{"amount":5}',
    });
    const response = await createClient({ fetch, sleep: noWait }).fetch(request);
    expect(response.idempotency.attempts).toBe(2);
    expect(sent.map((s) => new TextDecoder().decode(s.body))).toEqual([
      '{"amount":5}',
      '{"amount":5}',
    ]);
    expect(sent[1]?.headers.get('x-trace')).toBe('1');
  });
});

describe('platforms', () => {
  it('the published builds import nothing from Node and use no Node globals', () => {
    for (const file of ['../dist/index.js', '../dist/index.cjs']) {
      const code = readFileSync(new URL(file, import.meta.url), 'utf8');
      expect(code).not.toMatch(/\bfrom\s*["']|\brequire\(\s*["']|\bimport\(/);
      expect(code).not.toMatch(/\bBuffer\b|\bprocess\.|\bglobal\./);
    }
  });

  it('a 400/422 problem whose body is not JSON still rejects with its status', async () => {
    const client = createClient({
      fetch: async () =>
        new Response('oops', {
          status: 422,
          headers: { 'content-type': 'application/problem+json' },
        }),
    });
    await expect(client.fetch('http://x/', { method: 'POST' })).rejects.toMatchObject({
      name: 'IdempotencyProblemError',
      status: 422,
      problem: { status: 422 },
    });
  });
});

describe('settings', () => {
  it('quoteKey: false sends the key bare; methods decides what is covered', async () => {
    const { fetch, sent } = scripted([
      () => new Response('ok', { status: 200 }),
      () => new Response('ok', { status: 200 }),
    ]);
    const client = createClient({ fetch, quoteKey: false, methods: ['PUT'] });
    await client.fetch('http://x/', { method: 'PUT', idempotencyKey: 'k-1' });
    await client.fetch('http://x/', { method: 'POST' });
    expect(sent.map((s) => s.headers.get('idempotency-key'))).toEqual(['k-1', null]);
  });

  it('a signal aborted before the call sends nothing', async () => {
    const { fetch, sent } = scripted([]);
    const reason = new Error('already cancelled');
    const call = createClient({ fetch }).fetch('http://x/', {
      method: 'POST',
      signal: AbortSignal.abort(reason),
    });
    await expect(call).rejects.toBe(reason);
    expect(sent).toHaveLength(0);
  });

  it('refuses settings that cannot work', () => {
    expect(() => createClient({ maxAttempts: 0 })).toThrow(TypeError);
    expect(() => createClient({ maxAttempts: 1.5 })).toThrow(TypeError);
    expect(() => createClient({ deadlineMs: -1 })).toThrow(TypeError);
    expect(() => createClient({ backoff: { baseMs: Number.NaN } })).toThrow(TypeError);
  });
});
