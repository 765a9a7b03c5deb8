import { MemoryStore } from '@oncely/memory';
import { deferred, until } from '@oncely/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AttemptEvent,
  createClient,
  IdempotencyProblemError,
  RetriesExhaustedError,
} from '../src/index.js';
import { fast } from './support/fast.js';
import { Ledger, startFastify, type TestServer } from './support/servers.js';

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('what the client does not retry, and when it stops', () => {
  let server: TestServer | undefined;
  let gate = deferred();
  beforeEach(() => {
    gate = deferred();
  });
  afterEach(async () => {
    gate.resolve();
    await server?.close();
  });

  it('a 422 (the same key with another body) is not retried: a typed error with the problem', async () => {
    const ledger = new Ledger();
    server = await startFastify(new MemoryStore(), ledger);
    const client = createClient(fast);
    const url = `${server.url}/charges`;
    await client.fetch(url, { ...json({ op: 'misuse', amount: 1000 }), idempotencyKey: 'k-422' });
    const other = client.fetch(url, {
      ...json({ op: 'misuse', amount: 9999 }),
      idempotencyKey: 'k-422',
    });
    const error = await other.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdempotencyProblemError);
    const problem = error as IdempotencyProblemError;
    expect(problem).toMatchObject({ status: 422, key: 'k-422', attempts: 1 });
    expect(problem.problem).toMatchObject({
      type: 'https://oncely.dev/problems/fingerprint-mismatch',
      status: 422,
    });
    expect(ledger.keys).toHaveLength(2); // sent once, never again
    expect(ledger.runs.get('misuse')).toBe(1);
  });

  it('a deadline: the client stops before a wait that would end past it', async () => {
    const ledger = new Ledger();
    server = await startFastify(new MemoryStore(), ledger);
    ledger.holds.set('slow', gate.promise);
    const url = `${server.url}/charges`;
    const body = { op: 'slow', amount: 1 };
    const running = createClient(fast).fetch(url, { ...json(body), idempotencyKey: 'k-slow' });
    await until(() => ledger.started.has('slow'), 'the first attempt runs');
    // Every answer is 409 + Retry-After (at least 1 s) while the first attempt is held.
    const events: AttemptEvent[] = [];
    const deadlineMs = 4000;
    const hurried = createClient({ deadlineMs, maxAttempts: 50, onAttempt: (e) => events.push(e) });
    const error = await hurried
      .fetch(url, { ...json(body), idempotencyKey: 'k-slow' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ reason: 'deadline', key: 'k-slow' });
    expect(events.some((e) => e.status === 409 && (e.retryAfterMs ?? 0) >= 1000)).toBe(true);
    // Every wait it began ended before the deadline; the last attempt began none.
    for (const e of events.filter((e) => e.retryInMs !== undefined)) {
      expect(e.elapsedMs + (e.retryInMs as number)).toBeLessThan(deadlineMs);
    }
    expect(events.at(-1)).not.toHaveProperty('retryInMs');
    expect(ledger.runs.get('slow')).toBeUndefined();
    gate.resolve();
    expect((await running).status).toBe(201);
  });

  it('a deadline ends an attempt still waiting for its answer', async () => {
    const ledger = new Ledger();
    server = await startFastify(new MemoryStore(), ledger);
    ledger.holds.set('hang', gate.promise);
    const client = createClient({ deadlineMs: 300, attemptTimeoutMs: 60_000 });
    const error = await client
      .fetch(`${server.url}/charges`, json({ op: 'hang', amount: 1 }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ reason: 'deadline', attempts: 1 });
    // It gave up on its own: the handler is still held.
    expect(ledger.runs.get('hang')).toBeUndefined();
  });

  it('an abort stops an attempt in flight at once, with the signal’s reason', async () => {
    const ledger = new Ledger();
    server = await startFastify(new MemoryStore(), ledger);
    ledger.holds.set('aborted', gate.promise);
    const controller = new AbortController();
    const call = createClient(fast).fetch(`${server.url}/charges`, {
      ...json({ op: 'aborted', amount: 1 }),
      signal: controller.signal,
    });
    await until(() => ledger.started.has('aborted'), 'the attempt reached the handler');
    const reason = new Error('user navigated away');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(ledger.keys).toHaveLength(1);
  });

  it('an abort during the backoff stops it at once: no further attempt', async () => {
    const ledger = new Ledger();
    server = await startFastify(new MemoryStore(), ledger);
    ledger.holds.set('backoff', gate.promise);
    const url = `${server.url}/charges`;
    const body = { op: 'backoff', amount: 1 };
    const running = createClient(fast).fetch(url, { ...json(body), idempotencyKey: 'k-b' });
    await until(() => ledger.started.has('backoff'), 'the first attempt runs');
    const controller = new AbortController();
    // Real timers and a backoff of about two minutes: only an abort that interrupts the wait
    // lets this call end within the test's timeout.
    const patient = createClient({
      maxAttempts: 10,
      deadlineMs: 600_000,
      backoff: { baseMs: 120_000, maxMs: 120_000 },
      random: () => 0.99,
      onAttempt: (event) => {
        if (event.retryInMs !== undefined) controller.abort();
      },
    });
    const call = patient.fetch(url, {
      ...json(body),
      idempotencyKey: 'k-b',
      signal: controller.signal,
    });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(ledger.keys).toHaveLength(2); // the first caller's attempt and one 409
    gate.resolve();
    expect((await running).status).toBe(201);
  });

  it('a 5xx other than 503 is returned as it is, unless retryServerErrors', async () => {
    const failures = [500, 502];
    let calls = 0;
    const flaky: typeof fetch = async () => {
      calls++;
      const status = failures.shift();
      return status
        ? new Response('down', { status })
        : new Response('{"ok":true}', { status: 201 });
    };
    const plain = await createClient({ ...fast, fetch: flaky }).fetch('http://x/charges', {
      method: 'POST',
      body: '{}',
    });
    expect(plain.status).toBe(500);
    expect(calls).toBe(1);
    const retrying = await createClient({ ...fast, fetch: flaky, retryServerErrors: true }).fetch(
      'http://x/charges',
      { method: 'POST', body: '{}' },
    );
    expect(retrying.status).toBe(201);
    expect(retrying.idempotency.attempts).toBe(2);
  });

  it('GET is not covered: sent once, no key', async () => {
    const seen: Headers[] = [];
    const client = createClient({
      ...fast,
      fetch: async (_url, init) => {
        seen.push(new Headers(init?.headers));
        return new Response('busy', { status: 503 });
      },
    });
    const response = await client.fetch('http://x/orders/1');
    expect(response.status).toBe(503);
    expect(response.idempotency).toEqual({ key: undefined, attempts: 1, replayed: false });
    expect(seen.map((h) => h.get('idempotency-key'))).toEqual([null]);
  });
});
