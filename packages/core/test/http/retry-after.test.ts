import { describe, expect, it } from 'vitest';
import {
  type CapturedResponse,
  conflictWaitMs,
  createHttpIdempotency,
  type HttpRequest,
  RunTimes,
  UNKNOWN_RUN_TIME_MS,
} from '../../src/index.js';
import { MemoryStore } from '../support/memory.js';

describe('RunTimes', () => {
  it('knows nothing of an operation that never finished here', () => {
    expect(new RunTimes().expectedMs('POST /orders')).toBeUndefined();
  });

  it('expects the longest of the last 8 runs, per operation', () => {
    const times = new RunTimes();
    times.record('POST /orders', 300);
    times.record('POST /orders', 1200);
    times.record('POST /orders', 250);
    times.record('POST /reports', 20_000);
    expect(times.expectedMs('POST /orders')).toBe(1200);
    expect(times.expectedMs('POST /reports')).toBe(20_000);
  });

  it('lets one slow run age out after 8 more', () => {
    const times = new RunTimes();
    times.record('POST /orders', 9000);
    for (let i = 0; i < 7; i++) times.record('POST /orders', 100);
    expect(times.expectedMs('POST /orders')).toBe(9000);
    times.record('POST /orders', 100);
    expect(times.expectedMs('POST /orders')).toBe(100);
  });

  it('tracks at most 1024 operations, dropping the oldest', () => {
    const times = new RunTimes();
    for (let i = 0; i < 1025; i++) times.record(`POST /orders/${i}`, i);
    expect(times.expectedMs('POST /orders/0')).toBeUndefined();
    expect(times.expectedMs('POST /orders/1')).toBe(1);
    expect(times.expectedMs('POST /orders/1024')).toBe(1024);
  });
});

describe('conflictWaitMs', () => {
  it('is the expected run time, bounded by the remaining lease', () => {
    expect(conflictWaitMs(300, 30_000)).toBe(300);
    expect(conflictWaitMs(45_000, 30_000)).toBe(30_000);
  });

  it('is one second when the run time is unknown, still within the lease', () => {
    expect(conflictWaitMs(undefined, 30_000)).toBe(UNKNOWN_RUN_TIME_MS);
    expect(UNKNOWN_RUN_TIME_MS).toBe(1000);
    expect(conflictWaitMs(undefined, 400)).toBe(400);
  });
});

describe('Retry-After on a 409 from handle', () => {
  const request = (key: string): HttpRequest => ({
    method: 'POST',
    path: '/orders',
    headers: { 'idempotency-key': key },
    body: { amount: 5 },
  });
  const ok: CapturedResponse = { status: 201, headers: {}, body: new Uint8Array(), complete: true };

  /** Starts a request on `key` whose handler runs until the returned `finish` is called. */
  function running(http: ReturnType<typeof createHttpIdempotency>, key: string) {
    let finish!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const done = http.handle(request(key), () => {
      entered();
      return new Promise<CapturedResponse>((resolve) => {
        finish = () => resolve(ok);
      });
    });
    return { inside, done, finish: () => finish() };
  }

  it('suggests 1 s, not the 30 s lease, for an operation not yet seen to finish', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore(), lease: '30s' });
    const first = running(http, 'k1');
    await first.inside;
    const duplicate = await http.handle(request('k1'), async () => ok);
    expect(duplicate.action === 'send' && duplicate.response.status).toBe(409);
    expect(duplicate.action === 'send' && duplicate.response.headers['retry-after']).toBe('1');
    first.finish();
    await first.done;
  });

  it('suggests how long the operation took before, rounded up to whole seconds', async () => {
    const http = createHttpIdempotency({ store: new MemoryStore(), lease: '30s' });
    const slow = running(http, 'k1');
    await slow.inside;
    const started = Date.now();
    // The first run lasts at least 2.1 s: the estimate is a lower bound whatever the load.
    while (Date.now() - started < 2100) await new Promise((resolve) => setTimeout(resolve, 50));
    slow.finish();
    await slow.done;
    const second = running(http, 'k2');
    await second.inside;
    const duplicate = await http.handle(request('k2'), async () => ok);
    const seconds = Number(
      duplicate.action === 'send' && duplicate.response.headers['retry-after'],
    );
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThan(30);
    second.finish();
    await second.done;
  });
});
