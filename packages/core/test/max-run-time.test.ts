import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  createIdempotency,
  InvalidArgumentError,
  type OncelyEvent,
  OwnershipLostError,
} from '../src/index.js';
import { MemoryStore } from './support/memory.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('maxRunTime: an attempt has a maximum run time', () => {
  it.each([
    [{ maxRunTime: 'soon' }],
    [{ maxRunTime: 0 }],
    [{ maxRunTime: -5 }],
    [{ maxRunTime: 1.5 }],
    [{ maxRunTime: '30d' }],
    [{ maxRunTime: true }],
  ])('refuses %o with InvalidArgumentError naming maxRunTime', (options) => {
    const create = () =>
      createIdempotency({ store: new MemoryStore(), ...(options as { maxRunTime: string }) });
    expect(create).toThrowError(InvalidArgumentError);
    expect(create).toThrowError(/^maxRunTime: /);
  });

  it('defaults to 5 minutes', () => {
    expect(createIdempotency({ store: new MemoryStore() }).settings.maxRunMs).toBe(300_000);
  });

  it('a handler that never settles stops renewing: its signal fires and a retry takes over', async () => {
    const events: OncelyEvent[] = [];
    let onFired = () => {};
    const fired = new Promise<void>((resolve) => {
      onFired = resolve;
    });
    const engine = createIdempotency({
      store: new MemoryStore(),
      lease: 300,
      heartbeat: 50,
      maxRunTime: 400,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'fenced' && event.operation === 'max-run-time') onFired();
      },
    });
    let signal: AbortSignal | undefined;
    void engine.run({ key: 'stuck' }, (context) => {
      signal = context.signal;
      return new Promise<never>(() => {}); // never answers
    });
    await fired;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(OwnershipLostError);
    expect(String(signal?.reason)).toMatch(/maxRunTime/);

    // The store still holds the lease it last granted; once that ends, a retry runs.
    let retry: unknown;
    for (let i = 0; i < 200; i++) {
      retry = await engine.run({ key: 'stuck' }, ({ fence }) => fence).catch((e: unknown) => e);
      if (!(retry instanceof ConflictError)) break;
      await sleep(Math.min(retry.retryAfterMs, 50));
    }
    expect(retry).toMatchObject({ status: 'executed', value: 2, fence: 2 });
    // No renewal was asked for after the run time ran out.
    const extendsAfter = events.slice(events.findIndex((e) => e.type === 'fenced'));
    expect(extendsAfter.filter((e) => e.type === 'store_error')).toEqual([]);
  });

  it('a handler within its run time keeps its key past the lease', async () => {
    const engine = createIdempotency({
      store: new MemoryStore(),
      lease: 150,
      heartbeat: 40,
      maxRunTime: '1m',
    });
    let signal: AbortSignal | undefined;
    const outcome = await engine.run({ key: 'long' }, async (context) => {
      signal = context.signal;
      await sleep(500);
      return 'done';
    });
    expect(outcome).toMatchObject({ status: 'executed', value: 'done', stored: true });
    expect(signal?.aborted).toBe(false);
  });
});
