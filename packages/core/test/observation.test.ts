import { describe, expect, it } from 'vitest';
import {
  createIdempotency,
  InvalidArgumentError,
  type Logger,
  type OncelyEvent,
  StoreUnavailableError,
} from '../src/index.js';
import { MemoryStore } from './support/memory.js';

type Line = { level: string; object: Record<string, unknown>; message: string };

/** A pino-shaped logger that keeps its lines; `level` decides what isLevelEnabled says. */
function recordingLogger(level: 'debug' | 'info' = 'debug'): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const order = ['debug', 'info', 'warn', 'error'];
  const at = (name: string) => (object: object, message: string) =>
    lines.push({ level: name, object: object as Record<string, unknown>, message });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    isLevelEnabled: (name) => order.indexOf(name) >= order.indexOf(level),
  };
}

const settledOf = (events: OncelyEvent[]) =>
  events.filter((e): e is Extract<OncelyEvent, { type: 'settled' }> => e.type === 'settled');

describe('events carry the context, timings, fence and outcome', () => {
  it('one settled event per operation, with what the caller attached', async () => {
    const events: OncelyEvent[] = [];
    const engine = createIdempotency({ store: new MemoryStore(), onEvent: (e) => events.push(e) });
    const context = { method: 'POST', route: '/orders/:id', requestId: 'req-1' };
    const first = await engine.run({ key: 'k1', context }, () => 'ok');
    await engine.run({ key: 'k1', context }, () => 'again');
    const [executed, replayed] = settledOf(events);
    expect(executed).toMatchObject({
      outcome: 'executed',
      fence: first.fence,
      handlerRan: true,
      stored: true,
      store: 'MemoryStore',
      context,
    });
    expect(executed?.timings.handlerMs).toBeTypeOf('number');
    expect(executed?.timings.completeMs).toBeTypeOf('number');
    expect(executed?.timings.startedAt).toBeLessThanOrEqual(Date.now());
    expect(replayed).toMatchObject({ outcome: 'replayed', handlerRan: false, stored: true });
    expect(replayed?.timings.handlerMs).toBeUndefined();
    // Every event of the operation has the context, not only the last.
    expect(events.every((e) => e.context === context)).toBe(true);
    const calls = events.filter((e) => e.type === 'store_call').map((e) => e.operation);
    expect(calls).toEqual(['acquire', 'complete', 'acquire']);
  });

  it('conflict, mismatch and a failed handler are outcomes too', async () => {
    const events: OncelyEvent[] = [];
    const engine = createIdempotency({ store: new MemoryStore(), onEvent: (e) => events.push(e) });
    let release: () => void = () => {};
    const running = engine.run({ key: 'busy' }, () => new Promise<void>((r) => (release = r)));
    await expect(engine.run({ key: 'busy' }, () => undefined)).rejects.toThrow();
    release();
    await running;
    await expect(engine.run({ key: 'busy', request: 'other' }, () => 1)).rejects.toThrow();
    await expect(
      engine.run({ key: 'boom' }, () => {
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(settledOf(events).map((e) => e.outcome)).toEqual([
      'conflict',
      'executed',
      'mismatch',
      'failed',
    ]);
  });

  it('a context function is called only when an event is built', async () => {
    let calls = 0;
    const context = () => {
      calls++;
      return { route: '/r' };
    };
    const quiet = createIdempotency({ store: new MemoryStore() });
    await quiet.run({ key: 'a', context }, () => 1);
    // A logger that only takes warnings builds nothing for a normal operation.
    const infoLogger = recordingLogger('info');
    const warnOnly = createIdempotency({ store: new MemoryStore(), logger: infoLogger });
    await warnOnly.run({ key: 'a', context }, () => 1);
    await warnOnly.run({ key: 'a', context }, () => 1);
    expect(calls).toBe(0);
    expect(infoLogger.lines).toEqual([]);
    const events: OncelyEvent[] = [];
    const listened = createIdempotency({
      store: new MemoryStore(),
      onEvent: (e) => events.push(e),
    });
    await listened.run({ key: 'a', context }, () => 1);
    expect(calls).toBe(events.length);
    expect(events.at(-1)?.context).toEqual({ route: '/r' });
  });
});

describe('logger', () => {
  it('normal operations are debug lines; no secrets in them', async () => {
    const logger = recordingLogger();
    const engine = createIdempotency({ store: new MemoryStore(), logger });
    await engine.run({ key: 'secret-key', scope: 'tenant-9', request: { card: '4242' } }, () => 1);
    await engine.run({ key: 'secret-key', scope: 'tenant-9', request: { card: '4242' } }, () => 1);
    expect(logger.lines.map((l) => [l.level, l.object.oncely])).toEqual([
      ['debug', expect.objectContaining({ type: 'settled', outcome: 'executed' })],
      ['debug', expect.objectContaining({ type: 'settled', outcome: 'replayed' })],
    ]);
    const text = JSON.stringify(logger.lines);
    for (const secret of ['secret-key', 'tenant-9', '4242']) expect(text).not.toContain(secret);
  });

  it('a result that ran but was not stored is a warning with the request context and the error', async () => {
    const store = new MemoryStore();
    const down = new Error('store down');
    store.complete = () => Promise.reject(down);
    const logger = recordingLogger('info');
    const engine = createIdempotency({ store, logger, storeTimeout: 100, lease: '1s' });
    const context = { method: 'POST', route: '/pay', requestId: 'req-42' };
    await expect(engine.run({ key: 'k', context }, () => 'paid')).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    const [warning] = logger.lines;
    expect(warning?.level).toBe('warn');
    expect(warning?.message).toMatch(/ran but its result could not be stored/);
    expect(warning?.object.oncely).toMatchObject({
      outcome: 'store-unavailable',
      handlerRan: true,
      requestId: 'req-42',
      route: '/pay',
      keyHash: expect.any(String),
      fence: 1,
    });
    expect(String((warning?.object.err as Error | undefined)?.message)).toMatch(/store down/);
  });

  it('run({ logger: false }) turns the engine logger off for one call; a bad logger is refused', async () => {
    const logger = recordingLogger();
    const engine = createIdempotency({ store: new MemoryStore(), logger });
    await engine.run({ key: 'x', logger: false }, () => 1);
    expect(logger.lines).toEqual([]);
    expect(() =>
      createIdempotency({ store: new MemoryStore(), logger: console.log as never }),
    ).toThrow(InvalidArgumentError);
  });
});
