import { deferred, until } from '@oncely/testing';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  createIdempotency,
  FingerprintMismatchError,
  InvalidArgumentError,
  InvalidKeyError,
  MissingKeyError,
  namespacedKey,
  type OncelyEvent,
  OwnershipLostError,
  type ResultCodec,
  ResultEncodingError,
  ResultTooLargeError,
  type Store,
  StoreUnavailableError,
} from '../src/index.js';
import { MemoryStore } from './support/memory.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('run: the first call executes, every retry replays', () => {
  it('runs 200 concurrent calls on one key exactly once and gives all 200 the same result', async () => {
    const engine = createIdempotency({ store: new MemoryStore(), wait: '5s' });
    let executions = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, () =>
        engine.run({ key: 'charge-1', request: { amount: 100 } }, async () => {
          executions++;
          await sleep(20);
          return { id: `ch_${executions}`, at: new Date(0), receipt: new Uint8Array([0, 255]) };
        }),
      ),
    );
    expect(executions).toBe(1);
    expect(outcomes.filter((o) => o.status === 'executed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'replayed')).toHaveLength(199);
    for (const outcome of outcomes) {
      expect(outcome.value).toEqual({
        id: 'ch_1',
        at: new Date(0),
        receipt: new Uint8Array([0, 255]),
      });
    }
  });

  it('without wait mode, concurrent calls get ConflictError with the remaining lease', async () => {
    const engine = createIdempotency({ store: new MemoryStore(), lease: '10s' });
    const first = engine.run({ key: 'k' }, () => sleep(100).then(() => 'done'));
    const second = engine.run({ key: 'k' }, () => 'never');
    const error = await second.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).retryAfterMs).toBeGreaterThan(9_000);
    expect((error as ConflictError).retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(await first).toMatchObject({ status: 'executed', value: 'done' });
    expect(await engine.run({ key: 'k' }, () => 'never')).toMatchObject({
      status: 'replayed',
      value: 'done',
    });
  });

  it('refuses the same key with another request', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    await engine.run({ key: 'k', request: { amount: 100 } }, () => 'ok');
    await expect(
      engine.run({ key: 'k', request: { amount: 200 } }, () => 'no'),
    ).rejects.toBeInstanceOf(FingerprintMismatchError);
    // Key order is not a different request.
    const again = await engine.run({ key: 'k', request: { amount: 100 } }, () => 'no');
    expect(again.status).toBe('replayed');
  });

  it('keeps scopes apart: the same key in two scopes runs twice', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    const a = await engine.run({ key: 'k', scope: 'tenant-a' }, () => 'a');
    const b = await engine.run({ key: 'k', scope: 'tenant-b' }, () => 'b');
    expect([a.status, a.value, b.status, b.value]).toEqual(['executed', 'a', 'executed', 'b']);
  });

  it('takes scopes of any length (a long one may come from a request header) and keeps them apart', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    const long = 'x'.repeat(5000);
    const a = await engine.run({ key: 'k', scope: long }, () => 'a');
    const b = await engine.run({ key: 'k', scope: `${long}y` }, () => 'b');
    const again = await engine.run({ key: 'k', scope: long }, () => 'never');
    expect([a.value, b.value, again.status, again.value]).toEqual(['a', 'b', 'replayed', 'a']);
  });

  it('accepts a user fingerprint instead of hashing the request', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    await engine.run({ key: 'k', fingerprint: 'v1' }, () => 1);
    await expect(engine.run({ key: 'k', fingerprint: 'v2' }, () => 2)).rejects.toBeInstanceOf(
      FingerprintMismatchError,
    );
  });

  it('expires completed results after ttl', async () => {
    const engine = createIdempotency({ store: new MemoryStore(), ttl: 80 });
    await engine.run({ key: 'k' }, () => 1);
    await sleep(120);
    expect(await engine.run({ key: 'k' }, () => 2)).toMatchObject({ status: 'executed', value: 2 });
  });
});

describe('run: failures release the key', () => {
  it('a thrown handler releases the key and the next call runs again', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    await expect(
      engine.run({ key: 'k' }, () => {
        throw new Error('card declined by upstream timeout');
      }),
    ).rejects.toThrow('card declined');
    const retry = await engine.run({ key: 'k' }, () => 'second');
    expect(retry).toMatchObject({ status: 'executed', value: 'second' });
  });

  it('a result the policy does not keep is released', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    const first = await engine.run({ key: 'k', shouldStore: (v: number) => v < 500 }, () => 503);
    expect(first).toMatchObject({ status: 'executed', stored: false });
    expect(await engine.run({ key: 'k' }, () => 201)).toMatchObject({
      status: 'executed',
      value: 201,
    });
  });

  it('uses a codec given for one call to store and to replay that call', async () => {
    const store = new MemoryStore();
    const engine = createIdempotency({ store });
    // Stores the text as it is, so the record shows which codec wrote it.
    const text: ResultCodec = {
      encode: (value) => Buffer.from(String(value)),
      decode: (bytes) => Buffer.from(bytes).toString(),
    };
    const first = await engine.run({ key: 'plain', codec: text }, () => 'hello');
    const again = await engine.run({ key: 'plain', codec: text }, () => 'other');
    expect(first).toMatchObject({ status: 'executed', value: 'hello' });
    expect(again).toMatchObject({ status: 'replayed', value: 'hello' });
    const record = await store.get(namespacedKey('oncely:', '', 'plain'));
    if (record?.state !== 'completed') throw new Error('expected a completed record');
    expect(Buffer.from(record.result).toString()).toBe('hello');
    const refused = engine.run({ key: 'bad', codec: {} as ResultCodec }, () => 'x');
    await expect(refused).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(refused).rejects.toMatchObject({ field: 'codec' });
    expect(await store.get(namespacedKey('oncely:', '', 'bad'))).toBeUndefined();
  });

  it('a result the codec refuses is an error and releases the key', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    await expect(engine.run({ key: 'k' }, () => new Map())).rejects.toBeInstanceOf(
      ResultEncodingError,
    );
    expect(await engine.run({ key: 'k' }, () => 'ok')).toMatchObject({ status: 'executed' });
  });

  it('a result over the store limit is an error and releases the key', async () => {
    const engine = createIdempotency({ store: new MemoryStore({ maxResultBytes: 1024 }) });
    const error = await engine
      .run({ key: 'k' }, () => new Uint8Array(4096))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultTooLargeError);
    expect((error as ResultTooLargeError).limit).toBe(1024);
    expect(await engine.run({ key: 'k' }, () => 'small')).toMatchObject({ status: 'executed' });
  });
});

describe('run: leases, takeover and fencing', () => {
  it('takeover after lease expiry gets a larger fence; the stale owner is refused and reported', async () => {
    const events: OncelyEvent[] = [];
    const store = new MemoryStore();
    const engine = createIdempotency({
      store,
      lease: 100,
      heartbeat: false,
      onEvent: (e) => events.push(e),
    });
    let releaseStale!: () => void;
    const staleGate = new Promise<void>((resolve) => {
      releaseStale = resolve;
    });
    let staleSignal: AbortSignal | undefined;
    const stale = engine.run({ key: 'k', request: 'same' }, async ({ fence, signal }) => {
      staleSignal = signal;
      await staleGate;
      return `stale-${fence}`;
    });
    // The lease has lapsed: for the stale attempt (its signal fired) and for the store.
    await until(() => staleSignal?.aborted === true, "the stale attempt's signal at its lease end");
    await until(async () => {
      const record = await store.get('oncely:0::k');
      return record?.state === 'in_progress' && record.leaseRemainingMs === 0;
    }, 'the lease to lapse in the store');
    const fresh = await engine.run({ key: 'k', request: 'same' }, ({ fence }) => `fresh-${fence}`);
    expect(fresh.status).toBe('executed');
    releaseStale();
    const error = await stale.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OwnershipLostError);
    const staleFence = (error as OwnershipLostError).fence;
    expect(fresh.fence).toBeGreaterThan(staleFence);
    expect((error as OwnershipLostError).result).toBe(`stale-${staleFence}`);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'fenced', operation: 'complete', fence: staleFence }),
    );
    // The newer owner's result stands.
    expect(await engine.run({ key: 'k', request: 'same' }, () => 'x')).toMatchObject({
      status: 'replayed',
      value: `fresh-${fresh.fence}`,
    });
  });

  it('a heartbeat keeps a long handler its key past the lease', async () => {
    // Renewed every 200 ms: only a stall of 400 ms loses it, which even a busy machine avoids.
    const engine = createIdempotency({ store: new MemoryStore(), lease: 600 });
    let signal: AbortSignal | undefined;
    const started = deferred();
    const done = deferred();
    const long = engine.run({ key: 'k' }, async (ctx) => {
      signal = ctx.signal;
      started.resolve();
      await done.promise;
      return 'long';
    });
    await started.promise;
    await sleep(1_200); // at least twice the lease since the key was acquired
    await expect(engine.run({ key: 'k' }, () => 'intruder')).rejects.toBeInstanceOf(ConflictError);
    done.resolve();
    expect(await long).toMatchObject({ status: 'executed', value: 'long' });
    expect(signal?.aborted).toBe(false);
  });

  it('the signal fires when another attempt took over', async () => {
    const store = new MemoryStore();
    const events: OncelyEvent[] = [];
    // A long lease, so only the heartbeat's refused extend (not the lease end) fires the signal.
    const engine = createIdempotency({
      store,
      lease: '10s',
      heartbeat: 30,
      onEvent: (e) => events.push(e),
    });
    let signal: AbortSignal | undefined;
    const started = deferred();
    const done = deferred();
    const running = engine.run({ key: 'k' }, async (ctx) => {
      signal = ctx.signal;
      started.resolve();
      await done.promise;
      return 'late';
    });
    await started.promise;
    // An operator removes the record; the next heartbeat learns the key is no longer ours.
    await store.delete('oncely:0::k');
    await until(() => signal?.aborted === true, 'the signal after a refused extend');
    expect(signal?.reason).toBeInstanceOf(OwnershipLostError);
    expect(events).toContainEqual(expect.objectContaining({ type: 'fenced', operation: 'extend' }));
    done.resolve();
    await expect(running).rejects.toBeInstanceOf(OwnershipLostError);
  });
});

describe('run: wait mode', () => {
  it('waits for the winner and replays its result', async () => {
    const engine = createIdempotency({ store: new MemoryStore(), wait: true });
    const started = deferred();
    const first = engine.run({ key: 'k' }, () => {
      started.resolve();
      return sleep(80).then(() => 'winner');
    });
    await started.promise; // the first call holds the key
    const second = await engine.run({ key: 'k' }, () => 'loser');
    expect(second).toMatchObject({ status: 'replayed', value: 'winner' });
    await first;
  });

  it('gives up with ConflictError when the wait bound passes', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    const running = deferred();
    const done = deferred();
    const first = engine.run({ key: 'k' }, async () => {
      running.resolve();
      await done.promise;
      return 'slow';
    });
    await running.promise; // the first call holds the key until the second has given up
    const started = Date.now();
    await expect(engine.run({ key: 'k', wait: 60 }, () => 'x')).rejects.toBeInstanceOf(
      ConflictError,
    );
    // Far past the 60 ms bound for a busy machine, far short of the 30 s lease it must not await.
    expect(Date.now() - started).toBeLessThan(5_000);
    done.resolve();
    await first;
  });

  it('runs the operation itself when the winner failed and released the key', async () => {
    const engine = createIdempotency({ store: new MemoryStore(), wait: '10s' });
    const started = deferred();
    const first = engine
      .run({ key: 'k' }, () => {
        started.resolve();
        return sleep(50).then(() => Promise.reject(new Error('boom')));
      })
      .catch((e: Error) => e.message);
    await started.promise; // the first call holds the key
    const second = await engine.run({ key: 'k' }, () => 'retried');
    expect(second).toMatchObject({ status: 'executed', value: 'retried' });
    expect(await first).toBe('boom');
  });
});

describe('run: the store failing', () => {
  function brokenStore(overrides: Partial<Store>): Store {
    const store = new MemoryStore();
    return Object.assign(Object.create(Object.getPrototypeOf(store)), store, overrides) as Store;
  }

  it('fails closed with StoreUnavailableError and does not run the handler', async () => {
    const events: OncelyEvent[] = [];
    const store = brokenStore({
      acquire: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
    });
    const engine = createIdempotency({ store, onEvent: (e) => events.push(e) });
    let ran = false;
    const error = await engine
      .run({ key: 'k' }, () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).cause).toBeInstanceOf(Error);
    expect(ran).toBe(false);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'store_error', operation: 'acquire' }),
    );
  });

  it('bounds a store call that never answers', async () => {
    const store = brokenStore({ acquire: () => new Promise(() => {}) });
    const engine = createIdempotency({ store, storeTimeout: 100 });
    const started = Date.now();
    await expect(engine.run({ key: 'k' }, () => 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000); // a bound for a busy machine, not "never"
  });

  it('reports a store call that fails after its timeout once, as the timeout', async () => {
    const events: OncelyEvent[] = [];
    const failedLate = deferred();
    const store = brokenStore({
      acquire: () =>
        new Promise((_, reject) =>
          setTimeout(() => {
            reject(new Error('late'));
            failedLate.resolve();
          }, 300),
        ),
    });
    const engine = createIdempotency({ store, storeTimeout: 50, onEvent: (e) => events.push(e) });
    await expect(engine.run({ key: 'k' }, () => 1)).rejects.toThrowError(/no answer within 50 ms/);
    await failedLate.promise;
    await sleep(50); // the late rejection's handlers run
    expect(events.filter((event) => event.type === 'store_error')).toHaveLength(1);
  });

  it('fires the signal at the lease end when a heartbeat extend never answers', async () => {
    const events: OncelyEvent[] = [];
    const store = brokenStore({ extend: () => new Promise(() => {}) });
    const engine = createIdempotency({
      store,
      lease: 300,
      heartbeat: 100,
      storeTimeout: 50,
      onEvent: (e) => events.push(e),
    });
    let signal: AbortSignal | undefined;
    const done = deferred();
    const running = engine.run({ key: 'k' }, async (ctx) => {
      signal = ctx.signal;
      await done.promise;
      return 'done';
    });
    await until(() => signal?.aborted === true, 'the signal at the lease end');
    done.resolve();
    expect(signal?.reason).toBeInstanceOf(OwnershipLostError);
    expect(events.some((e) => e.type === 'store_error' && e.operation === 'extend')).toBe(true);
    await running.catch(() => undefined);
  });

  it('fails closed when a store method throws instead of rejecting', async () => {
    const store = brokenStore({
      acquire: () => {
        throw new Error('not a promise');
      },
    });
    const engine = createIdempotency({ store });
    await expect(engine.run({ key: 'k' }, () => 1)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('retries a failed completion, so an operation that ran is not left without a record', async () => {
    const memory = new MemoryStore();
    let failures = 2;
    const store = brokenStore({
      acquire: (input) => memory.acquire(input),
      get: (key) => memory.get(key),
      complete: (input) =>
        failures-- > 0 ? Promise.reject(new Error('blip')) : memory.complete(input),
    });
    const engine = createIdempotency({ store });
    let runs = 0;
    expect(await engine.run({ key: 'k' }, () => ++runs)).toMatchObject({
      status: 'executed',
      stored: true,
    });
    expect(await engine.run({ key: 'k' }, () => ++runs)).toMatchObject({
      status: 'replayed',
      value: 1,
    });
  });
});

describe('run: the store failing right after the handler ran', () => {
  /** A memory store whose `complete` fails while `down` is set, counting the attempts. */
  function flakyCompletions() {
    const memory = new MemoryStore();
    const state = { down: true, completeCalls: 0 };
    const store: Store = {
      capabilities: memory.capabilities,
      acquire: (input) => memory.acquire(input),
      complete: (input) => {
        state.completeCalls++;
        return state.down ? Promise.reject(new Error('ECONNRESET')) : memory.complete(input);
      },
      release: (input) => memory.release(input),
      extend: (input) => memory.extend(input),
      get: (key) => memory.get(key),
      delete: (key) => memory.delete(key),
      close: () => memory.close(),
    };
    return { store, state };
  }

  it('keeps completing within the lease, so a store back in time replays instead of running again', async () => {
    const { store, state } = flakyCompletions();
    const events: OncelyEvent[] = [];
    const engine = createIdempotency({ store, lease: '5s', onEvent: (e) => events.push(e) });
    let runs = 0;
    const first = await engine.run({ key: 'k' }, () => ++runs).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(StoreUnavailableError);
    state.down = false;
    let retry: unknown;
    await until(async () => {
      retry = await engine.run({ key: 'k' }, () => ++runs).catch((e: unknown) => e);
      return !(retry instanceof ConflictError);
    }, 'the background completion to land');
    expect(retry).toMatchObject({ status: 'replayed', value: 1 });
    expect(runs).toBe(1);
    expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
  });

  it('gives up when the lease ends: after that a retry may own the key', async () => {
    const { store, state } = flakyCompletions();
    const engine = createIdempotency({ store, lease: 400, heartbeat: false });
    await expect(engine.run({ key: 'k' }, () => 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    await sleep(600);
    const callsAtLeaseEnd = state.completeCalls;
    await sleep(500);
    expect(state.completeCalls).toBe(callsAtLeaseEnd);
    expect(callsAtLeaseEnd).toBeGreaterThan(3);
  });
});

describe('events', () => {
  it('reports the lifecycle with hashed keys only', async () => {
    const events: OncelyEvent[] = [];
    const engine = createIdempotency({ store: new MemoryStore(), onEvent: (e) => events.push(e) });
    const key = 'customer-4242-secret';
    await engine.run({ key, request: { card: '4242' } }, () => 'ok');
    await engine.run({ key, request: { card: '4242' } }, () => 'ok');
    await engine.run({ key, request: { card: '0000' } }, () => 'ok').catch(() => {});
    expect(events.filter((e) => e.type !== 'store_call').map((e) => e.type)).toEqual([
      'acquired',
      'completed',
      'settled',
      'replayed',
      'settled',
      'mismatch',
      'settled',
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain(key);
    expect(text).not.toContain('4242');
    expect(new Set(events.map((e) => e.keyHash)).size).toBe(1);
  });

  it('a throwing listener never breaks a request', async () => {
    const engine = createIdempotency({
      store: new MemoryStore(),
      onEvent: () => {
        throw new Error('metrics down');
      },
    });
    expect(await engine.run({ key: 'k' }, () => 1)).toMatchObject({ status: 'executed' });
  });
});

describe('bad input fails early with the field named', () => {
  it.each([
    [{ ttl: 0 }, 'ttl'],
    [{ ttl: '-5s' }, 'ttl'],
    [{ lease: 'soon' }, 'lease'],
    [{ lease: '30d' }, 'lease'],
    [{ heartbeat: '1m', lease: '30s' }, 'heartbeat'],
    [{ wait: 'forever' }, 'wait'],
    [{ storeTimeout: -1 }, 'storeTimeout'],
    [{ prefix: 5 }, 'prefix'],
    [{ codec: {} }, 'codec'],
    [{ onEvent: 'log' }, 'onEvent'],
  ])('options %j -> %s', (options, field) => {
    const error = (() => {
      try {
        createIdempotency({ store: new MemoryStore(), ...(options as object) });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe(field);
  });

  it('names a store method that is missing', () => {
    const { complete: _, ...partial } = Object.fromEntries(
      ['acquire', 'complete', 'release', 'extend', 'get', 'delete', 'close'].map((m) => [
        m,
        () => {},
      ]),
    );
    expect(() =>
      createIdempotency({
        store: {
          ...partial,
          capabilities: { maxResultBytes: 1, clock: 'caller', sharedAcrossInstances: false },
        } as never,
      }),
    ).toThrowError(/store\.complete/);
    expect(() => createIdempotency({ store: undefined as never })).toThrowError(/^store:/);
  });

  it('names missing or malformed capabilities', () => {
    const store = new MemoryStore();
    const noCaps = Object.assign(Object.create(MemoryStore.prototype), store, {
      capabilities: undefined,
    });
    expect(() => createIdempotency({ store: noCaps })).toThrowError(/store\.capabilities/);
  });

  it('refuses empty, long and missing keys before touching the store', async () => {
    const engine = createIdempotency({ store: new MemoryStore() });
    await expect(engine.run({ key: undefined }, () => 1)).rejects.toBeInstanceOf(MissingKeyError);
    await expect(engine.run({ key: '' }, () => 1)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(engine.run({ key: 'x'.repeat(256) }, () => 1)).rejects.toBeInstanceOf(
      InvalidKeyError,
    );
    await expect(engine.run({ key: 'k', scope: 7 as never }, () => 1)).rejects.toThrowError(
      /^scope:/,
    );
    await expect(engine.run({ key: 'k', fingerprint: '' }, () => 1)).rejects.toThrowError(
      /^fingerprint:/,
    );
    await expect(engine.run({ key: 'k' }, 'handler' as never)).rejects.toThrowError(/^handler:/);
  });
});
