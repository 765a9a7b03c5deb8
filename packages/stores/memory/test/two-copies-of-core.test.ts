import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// An app can load two copies of @oncely/core: the ESM build for its own code and the CJS build
// for a store required through CommonJS (or two installed versions). Each copy has its own
// error classes, so errors must be recognised by their brand. This runs the built packages
// (dist), where the two copies exist: the ESM engine with a CJS store, and the reverse.

type Core = typeof import('@oncely/core');
type Memory = typeof import('../src/index.js');

const require = createRequire(import.meta.url);
const cjsCore = require('@oncely/core') as Core;
const cjsMemory = require('../dist/index.cjs') as Memory;
const esmCore = (await import('@oncely/core')) as Core;
const esmMemory = (await import(new URL('../dist/index.js', import.meta.url).href)) as Memory;

const MAX_BYTES = 4096;
/** Fits the store's declared maxResultBytes, but not with the key and overhead in maxBytes. */
const ALMOST_MAX = 'x'.repeat(MAX_BYTES - 40);

describe.each([
  ['the ESM engine with a CJS store', esmCore, cjsCore, cjsMemory],
  ['the CJS engine with an ESM store', cjsCore, esmCore, esmMemory],
])('%s', (_, engineCore, storeCore, storeMemory) => {
  const events = () => {
    const seen: import('@oncely/core').OncelyEvent[] = [];
    return { seen, onEvent: (event: (typeof seen)[number]) => void seen.push(event) };
  };

  it('really holds two copies of core', () => {
    expect(engineCore.ConflictError).not.toBe(storeCore.ConflictError);
  });

  it('releases a result the store refuses as too large, instead of treating it as an outage', async () => {
    const { seen, onEvent } = events();
    const engine = engineCore.createIdempotency({
      store: new storeMemory.MemoryStore({ maxBytes: MAX_BYTES }),
      onEvent,
    });
    const error = await engine.run({ key: 'big' }, () => ALMOST_MAX).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(engineCore.ResultTooLargeError);
    expect(error).toBeInstanceOf(storeCore.ResultTooLargeError);
    expect(seen.filter((e) => e.type === 'store_error')).toEqual([]);
    expect(seen).toContainEqual(expect.objectContaining({ type: 'released', reason: 'too-large' }));
    // Released: the next attempt runs at once, it does not find the key in progress.
    expect(await engine.run({ key: 'big' }, () => 'small')).toMatchObject({
      status: 'executed',
      value: 'small',
    });
  });

  it("passes the store's own StoreUnavailableError on, as one outage", async () => {
    const { seen, onEvent } = events();
    const store = new storeMemory.MemoryStore();
    await store.close();
    const engine = engineCore.createIdempotency({ store, onEvent });
    const error = await engine.run({ key: 'k' }, () => 'never').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(engineCore.StoreUnavailableError);
    expect((error as Error).message).toBe('The memory store was closed.');
    expect(seen.filter((e) => e.type === 'store_error')).toHaveLength(1);
  });

  it('the HTTP layer answers a closed store with 503 and releases a too-large response', async () => {
    const closed = new storeMemory.MemoryStore();
    await closed.close();
    const request = { method: 'POST', path: '/charges', query: '', headers: {}, body: undefined };
    const keyed = (key: string) => ({ ...request, headers: { 'idempotency-key': key } });
    const down = engineCore.createHttpIdempotency({ store: closed });
    const decision = await down.handle(keyed('k'), () => Promise.reject(new Error('not run')));
    expect(decision).toMatchObject({
      action: 'send',
      source: 'problem',
      response: { status: 503 },
    });

    const http = engineCore.createHttpIdempotency({
      store: new storeMemory.MemoryStore({ maxBytes: MAX_BYTES, maxResultBytes: MAX_BYTES }),
      maxBodyBytes: MAX_BYTES,
    });
    let runs = 0;
    const respond = async () => {
      runs += 1;
      return { status: 201, headers: {}, body: Buffer.from(ALMOST_MAX), complete: true };
    };
    const first = await http.handle(keyed('big'), respond);
    const retry = await http.handle(keyed('big'), respond);
    expect(first).toMatchObject({ action: 'send', source: 'live', response: { status: 201 } });
    expect(retry).toMatchObject({ action: 'send', source: 'live', response: { status: 201 } });
    expect(runs).toBe(2);
  });

  it("user code's instanceof and isOncelyError work with the other copy's classes", async () => {
    const engine = engineCore.createIdempotency({ store: new storeMemory.MemoryStore() });
    let release = () => {};
    const running = engine.run(
      { key: 'k', request: 1 },
      () => new Promise<string>((resolve) => (release = () => resolve('done'))),
    );
    const conflict = await engine.run({ key: 'k', request: 1 }, () => 'x').catch((e) => e);
    release();
    await running;
    const mismatch = await engine.run({ key: 'k', request: 2 }, () => 'x').catch((e) => e);
    const invalidKey = await engine.run({ key: 'a b' }, () => 'x').catch((e) => e);
    const missingKey = await engine.run({ key: undefined }, () => 'x').catch((e) => e);
    const badOption = (() => {
      try {
        new storeMemory.MemoryStore({ maxEntries: -1 });
      } catch (error) {
        return error;
      }
    })();

    // The built classes keep their names (the bundler must not rename them).
    expect((conflict as Error).name).toBe('ConflictError');
    expect((badOption as Error).name).toBe('InvalidArgumentError');
    expect(engineCore.OncelyError.name).toBe('OncelyError');
    for (const core of [storeCore, engineCore]) {
      expect(conflict).toBeInstanceOf(core.ConflictError);
      expect(conflict).toBeInstanceOf(core.OncelyError);
      expect(conflict).not.toBeInstanceOf(core.FingerprintMismatchError);
      expect(core.isOncelyError(conflict, 'conflict')).toBe(true);
      expect(core.isOncelyError(conflict, 'store-unavailable')).toBe(false);
      expect(mismatch).toBeInstanceOf(core.FingerprintMismatchError);
      expect(invalidKey).toBeInstanceOf(core.InvalidKeyError);
      expect(missingKey).toBeInstanceOf(core.MissingKeyError);
      expect(badOption).toBeInstanceOf(core.InvalidArgumentError);
      expect(core.isOncelyError(badOption)).toBe(true);
    }
    expect(new Error('plain')).not.toBeInstanceOf(storeCore.OncelyError);
    expect(storeCore.isOncelyError({ code: 'conflict' })).toBe(false);
  });
});
