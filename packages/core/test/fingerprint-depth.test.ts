import { describe, expect, it } from 'vitest';
import {
  createHttpIdempotency,
  createIdempotency,
  fingerprint,
  InvalidArgumentError,
  MAX_FINGERPRINT_DEPTH,
  RequestTooDeepError,
  requestFingerprint,
} from '../src/index.js';
import { MemoryStore } from './support/memory.js';

/** `[[[...]]]` nested `levels` deep, as a client can send it in a few KB. */
const nestedArrays = (levels: number) => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
const nestedObjects = (levels: number) =>
  JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

describe('fingerprint depth bound', () => {
  it('refuses a 5 000-level body with RequestTooDeepError, an InvalidArgumentError', () => {
    for (const deep of [nestedArrays(5000), nestedObjects(5000)]) {
      const thrown = (() => {
        try {
          fingerprint(deep);
        } catch (error) {
          return error;
        }
      })();
      expect(thrown).toBeInstanceOf(RequestTooDeepError);
      expect(thrown).toBeInstanceOf(InvalidArgumentError);
      expect((thrown as RequestTooDeepError).maxDepth).toBe(MAX_FINGERPRINT_DEPTH);
    }
  });

  it('walks exactly MAX_FINGERPRINT_DEPTH levels and refuses one more', () => {
    expect(fingerprint(nestedArrays(MAX_FINGERPRINT_DEPTH))).toMatch(/^[0-9a-f]{64}$/);
    expect(() => fingerprint(nestedArrays(MAX_FINGERPRINT_DEPTH + 1))).toThrow(RequestTooDeepError);
  });

  it('counts the levels of a request body from the whole request, two above the body', () => {
    // The body is hashed inside { body: { data }, method, path, query }: a body takes two levels
    // fewer than the bound, as it always has (a change would refuse bodies that passed before).
    const request = (levels: number) => ({
      method: 'POST',
      path: '/orders',
      headers: {},
      body: nestedArrays(levels),
    });
    expect(requestFingerprint(request(MAX_FINGERPRINT_DEPTH - 2))).toMatch(/^[0-9a-f]{64}$/);
    expect(() => requestFingerprint(request(MAX_FINGERPRINT_DEPTH - 1))).toThrow(
      RequestTooDeepError,
    );
  });

  it('run({ request }) throws InvalidArgumentError and runs nothing', async () => {
    const oncely = createIdempotency({ store: new MemoryStore() });
    let runs = 0;
    await expect(
      oncely.run({ key: 'deep', request: nestedObjects(5000) }, () => {
        runs++;
        return 1;
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(runs).toBe(0);
  });

  it('answers a deep HTTP body with a 400 problem, without running downstream', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore() });
    let calls = 0;
    const decision = await http.handle(
      {
        method: 'POST',
        path: '/orders',
        headers: { 'idempotency-key': 'deep', 'content-type': 'application/json' },
        body: Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`),
      },
      async () => {
        calls++;
        return { status: 201, headers: {}, body: new Uint8Array(), complete: true };
      },
    );
    expect(calls).toBe(0);
    expect(decision.action).toBe('send');
    if (decision.action !== 'send') return;
    expect(decision.source).toBe('problem');
    expect(decision.response.status).toBe(400);
    expect(JSON.parse(Buffer.from(decision.response.body).toString())).toMatchObject({
      type: 'https://oncely.dev/problems/request-too-deep',
      status: 400,
    });
  });
});
