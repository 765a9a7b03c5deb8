import {
  createIdempotency,
  InvalidArgumentError,
  ResultTooLargeError,
  StoreUnavailableError,
} from '@oncely/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';

const acquireInput = (key: string, token = 't1') => ({
  key,
  fingerprint: 'fp',
  token,
  leaseMs: 60_000,
  ttlMs: 60_000,
});
/** Acquire and complete `key` as owner `t1`; the fence it completed under. */
async function completeWith(store: MemoryStore, key: string): Promise<number> {
  const won = await store.acquire(acquireInput(key));
  if (!won.acquired) throw new Error(`expected to win ${key}`);
  const stored = await store.complete({
    key,
    token: 't1',
    fence: won.fence,
    result: new Uint8Array(10),
    ttlMs: 60_000,
  });
  if (!stored) throw new Error(`expected to store ${key}`);
  return won.fence;
}

/** Which of `keys` the store still holds a completed record for, in the given order. */
async function keysHeld(store: MemoryStore, keys: string[]): Promise<string[]> {
  const held: string[] = [];
  for (const key of keys) if ((await store.get(key))?.state === 'completed') held.push(key);
  return held;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('MemoryStore bounds', () => {
  it('keeps at most maxEntries completed records, evicting the oldest written first', async () => {
    const store = new MemoryStore({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) {
      const won = await store.acquire(acquireInput(`k${i}`));
      if (!won.acquired) throw new Error('expected a win');
      await store.complete({
        key: `k${i}`,
        token: 't1',
        fence: won.fence,
        result: new Uint8Array(10),
        ttlMs: 60_000,
      });
    }
    const stats = store.stats();
    expect(stats.settled).toBe(100);
    expect(stats.evictions).toBe(900);
    expect(await store.get('k999')).toMatchObject({ state: 'completed' });
    expect(await store.get('k0')).toBeUndefined();
  });

  it('evicts by the order records were written: reading a record buys it no time', async () => {
    const store = new MemoryStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await completeWith(store, key);
    // Replaying `a` does not extend its TTL, so it does not move it back either.
    expect(await store.get('a')).toMatchObject({ state: 'completed' });
    await completeWith(store, 'd');
    expect(await store.get('a')).toBeUndefined();
    expect(await keysHeld(store, ['b', 'c', 'd'])).toEqual(['b', 'c', 'd']);
  });

  it('counts a record written again (its owner completing once more) as the newest', async () => {
    const store = new MemoryStore({ maxEntries: 2 });
    const fence = await completeWith(store, 'a');
    await completeWith(store, 'b');
    expect(
      await store.complete({
        key: 'a',
        token: 't1',
        fence,
        result: new Uint8Array(2),
        ttlMs: 60_000,
      }),
    ).toBe(true);
    await completeWith(store, 'c');
    expect(await keysHeld(store, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(store.stats().evictions).toBe(1);
  });

  it('keeps evicting oldest first through deletes, releases and a store emptied on the way', async () => {
    const store = new MemoryStore({ maxEntries: 50 });
    const written: string[] = [];
    for (let i = 0; i < 400; i++) {
      const key = `k${i}`;
      await completeWith(store, key);
      written.push(key);
      // Deletes in the middle of the order and released keys among the records.
      if (i % 7 === 3) {
        const gone = written.splice(written.length - 3, 1)[0] as string;
        await store.delete(gone);
      }
      if (i % 11 === 5) {
        const won = await store.acquire(acquireInput(`released${i}`));
        if (!won.acquired) throw new Error('expected a win');
        await store.release({ key: `released${i}`, token: 't1', fence: won.fence });
        written.push(`released${i}`);
      }
      if (i === 200) {
        for (const key of written) await store.delete(key);
        written.length = 0;
      }
    }
    const kept = written.slice(-50);
    expect(store.stats().settled).toBe(50);
    const completedKept = kept.filter((key) => !key.startsWith('released'));
    expect(await keysHeld(store, completedKept)).toEqual(completedKept);
    const older = written.slice(0, -50).filter((key) => !key.startsWith('released'));
    expect(await keysHeld(store, older)).toEqual([]);
  });

  it('stays under maxBytes under a flood of unique keys', async () => {
    const store = new MemoryStore({ maxBytes: 64 * 1024, maxEntries: 1_000_000 });
    const engine = createIdempotency({ store });
    for (let i = 0; i < 2000; i++) {
      await engine.run({ key: `flood-${i}` }, () => new Uint8Array(512));
    }
    expect(store.stats().settledBytes).toBeLessThanOrEqual(64 * 1024);
    expect(store.stats().settled).toBeGreaterThan(50);
  });

  it('counts each key once in settledBytes, whichever way its records came and went', async () => {
    // The byte bound evicts by this count: a key counted twice (a release, then a completion,
    // then its owner completing again) would push records out early and never give bytes back.
    const churned = new MemoryStore();
    const released = await churned.acquire(acquireInput('k', 't0'));
    if (!released.acquired) throw new Error('expected to win k');
    await churned.release({ key: 'k', token: 't0', fence: released.fence });
    const fence = await completeWith(churned, 'k');
    // Its owner completing again replaces its record.
    const input = { key: 'k', token: 't1', fence, result: new Uint8Array(10), ttlMs: 60_000 };
    expect(await churned.complete(input)).toBe(true);
    await churned.acquire(acquireInput('gone', 't2'));
    await churned.release({ key: 'gone', token: 't2', fence: fence + 1 });
    await churned.delete('gone');

    const once = new MemoryStore();
    await completeWith(once, 'k');
    expect(churned.stats()).toEqual(once.stats());
    expect(churned.stats().settled).toBe(1);
  });

  it('never evicts an in-progress record, however many completions follow', async () => {
    const store = new MemoryStore({ maxEntries: 10 });
    const running = await store.acquire(acquireInput('running'));
    expect(running.acquired).toBe(true);
    for (let i = 0; i < 100; i++) {
      const won = await store.acquire(acquireInput(`other${i}`));
      if (won.acquired) {
        await store.complete({
          key: `other${i}`,
          token: 't1',
          fence: won.fence,
          result: new Uint8Array(1),
          ttlMs: 60_000,
        });
      }
    }
    expect(await store.get('running')).toMatchObject({ state: 'in_progress' });
  });

  it('fails closed when maxInProgress operations are running, and recovers when they finish', async () => {
    const store = new MemoryStore({ maxInProgress: 2 });
    const a = await store.acquire(acquireInput('a'));
    await store.acquire(acquireInput('b'));
    await expect(store.acquire(acquireInput('c'))).rejects.toBeInstanceOf(StoreUnavailableError);
    if (!a.acquired) throw new Error('expected a win');
    await store.release({ key: 'a', token: 't1', fence: a.fence });
    expect(await store.acquire(acquireInput('c'))).toMatchObject({ acquired: true });
  });

  it('makes room by dropping in-progress records whose lease lapsed', async () => {
    const store = new MemoryStore({ maxInProgress: 1 });
    await store.acquire({ ...acquireInput('crashed'), leaseMs: 20 });
    await sleep(40);
    expect(await store.acquire(acquireInput('next'))).toMatchObject({ acquired: true });
  });

  it('refuses a result larger than maxResultBytes and writes nothing', async () => {
    const store = new MemoryStore({ maxResultBytes: 16 });
    const won = await store.acquire(acquireInput('k'));
    if (!won.acquired) throw new Error('expected a win');
    await expect(
      store.complete({
        key: 'k',
        token: 't1',
        fence: won.fence,
        result: new Uint8Array(17),
        ttlMs: 1000,
      }),
    ).rejects.toBeInstanceOf(ResultTooLargeError);
    expect(await store.get('k')).toMatchObject({ state: 'in_progress' });
  });

  it('keeps the bytes it was given even if the caller reuses its buffer', async () => {
    const store = new MemoryStore();
    const won = await store.acquire(acquireInput('k'));
    if (!won.acquired) throw new Error('expected a win');
    const buffer = new Uint8Array([1, 2, 3]);
    await store.complete({
      key: 'k',
      token: 't1',
      fence: won.fence,
      result: buffer,
      ttlMs: 60_000,
    });
    buffer.fill(0);
    const first = await store.get('k');
    if (first?.state !== 'completed') throw new Error('expected completed');
    first.result.fill(9);
    const second = await store.get('k');
    expect(second?.state === 'completed' && [...second.result]).toEqual([1, 2, 3]);
  });

  it('declares its capabilities', () => {
    expect(new MemoryStore({ maxResultBytes: 1000 }).capabilities).toEqual({
      maxResultBytes: 1000,
      clock: 'caller',
      sharedAcrossInstances: false,
    });
  });

  it('refuses calls after close', async () => {
    const store = new MemoryStore();
    await store.close();
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('MemoryStore options', () => {
  it.each([
    [{ maxEntries: 0 }, 'maxEntries'],
    [{ maxEntries: 1.5 }, 'maxEntries'],
    [{ maxBytes: -1 }, 'maxBytes'],
    [{ maxInProgress: Number.NaN }, 'maxInProgress'],
    [{ maxResultBytes: '1mb' }, 'maxResultBytes'],
    [{ maxBytes: 100, maxResultBytes: 200 }, 'maxResultBytes'],
  ])('%j is refused naming %s', (options, field) => {
    const error = (() => {
      try {
        new MemoryStore(options as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe(field);
  });
});
