import { MemoryStore } from '@oncely/memory';
import { deferred, until } from '@oncely/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AttemptEvent, createClient } from '../src/index.js';
import { fast } from './support/fast.js';
import { Ledger, startExpress, startFastify, type TestServer } from './support/servers.js';

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('the same operation twice at once', () => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  for (const [name, start] of [
    ['fastify', startFastify],
    ['express', startExpress],
  ] as const) {
    it(`${name}: a duplicate in flight gets 409 + Retry-After, waits as told, and receives the replay`, async () => {
      const ledger = new Ledger();
      server = await start(new MemoryStore(), ledger);
      const gate = deferred();
      ledger.holds.set('held', gate.promise);
      const events: AttemptEvent[] = [];
      const client = createClient({
        ...fast,
        onAttempt: (event) => {
          events.push(event);
          // The duplicate was told to wait: now let the first attempt finish.
          if (event.status === 409) gate.resolve();
        },
      });
      const body = { op: 'held', amount: 1999 };
      const first = client.fetch(`${server.url}/charges`, {
        ...json(body),
        idempotencyKey: 'double-click-1',
      });
      await until(() => ledger.started.has('held'), 'the first attempt runs');
      const duplicate = await client.fetch(`${server.url}/charges`, {
        ...json(body),
        idempotencyKey: 'double-click-1',
      });
      const original = await first;

      expect(original.status).toBe(201);
      expect(original.idempotency).toMatchObject({ replayed: false, attempts: 1 });
      expect(duplicate.status).toBe(201);
      expect(duplicate.idempotency.replayed).toBe(true);
      expect(duplicate.idempotency.attempts).toBeGreaterThanOrEqual(2);
      expect(await duplicate.json()).toEqual(await original.json());
      expect(ledger.runs.get('held')).toBe(1);
      // It honoured the server's Retry-After (whole seconds, at least 1) before asking again.
      const conflict = events.find((e) => e.status === 409);
      expect(conflict?.retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(conflict?.retryInMs).toBeGreaterThanOrEqual(conflict?.retryAfterMs as number);
    });
  }

  it('an attempt that times out is retried with the same key and gets the answer', async () => {
    const ledger = new Ledger();
    server = await startFastify(new MemoryStore(), ledger);
    const gate = deferred();
    ledger.holds.set('timeout', gate.promise);
    const events: AttemptEvent[] = [];
    const client = createClient({
      ...fast,
      attemptTimeoutMs: 200,
      onAttempt: (event) => {
        events.push(event);
        if (event.status === 409) gate.resolve(); // the retry found the first attempt running
      },
    });
    const response = await client.fetch(
      `${server.url}/charges`,
      json({ op: 'timeout', amount: 5 }),
    );
    expect(response.status).toBe(201);
    expect(response.idempotency.replayed).toBe(true);
    expect(events[0]?.error).toMatchObject({ name: 'AttemptTimeoutError' });
    expect(new Set(ledger.keys).size).toBe(1);
    expect(ledger.runs.get('timeout')).toBe(1);
  });

  it('two calls share one key only when the caller gives them the same key', async () => {
    const ledger = new Ledger();
    server = await startFastify(new MemoryStore(), ledger);
    const client = createClient(fast);
    const url = `${server.url}/charges`;
    // No key given: two operations, two keys, two executions.
    const apart = await Promise.all([
      client.fetch(url, json({ op: 'apart', amount: 1 })),
      client.fetch(url, json({ op: 'apart', amount: 1 })),
    ]);
    expect(apart[0].idempotency.key).not.toBe(apart[1].idempotency.key);
    expect(ledger.runs.get('apart')).toBe(2);
    // The caller says they are one operation: one key, one execution, one answer.
    const key = 'checkout-7';
    const together = await Promise.all([
      client.fetch(url, { ...json({ op: 'together', amount: 1 }), idempotencyKey: key }),
      client.fetch(url, { ...json({ op: 'together', amount: 1 }), idempotencyKey: key }),
    ]);
    expect(together.map((r) => r.idempotency.key)).toEqual([key, key]);
    expect(ledger.runs.get('together')).toBe(1);
    const [a, b] = await Promise.all(together.map((r) => r.json()));
    expect(a).toEqual(b);
    expect(together.filter((r) => r.idempotency.replayed)).toHaveLength(1);
  });
});
