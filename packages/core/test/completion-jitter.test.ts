import { describe, expect, it } from 'vitest';
import { createIdempotency, type Store, StoreUnavailableError } from '../src/index.js';
import { MemoryStore } from './support/memory.js';

const KEYS = 40;
const CALLS_OBSERVED = 4;

/**
 * A real memory store whose `complete` fails like a store that went away, recording when each
 * key asked: what a recovering store would see arrive.
 */
function outageOnComplete(store: MemoryStore) {
  const calls = new Map<string, number[]>();
  let down = true;
  let onEnough = () => {};
  const enough = new Promise<void>((resolve) => {
    onEnough = resolve;
  });
  const wrapped: Store = {
    capabilities: store.capabilities,
    acquire: (input) => store.acquire(input),
    release: (input) => store.release(input),
    extend: (input) => store.extend(input),
    get: (key) => store.get(key),
    delete: (key) => store.delete(key),
    close: () => store.close(),
    complete: async (input) => {
      const times = calls.get(input.key) ?? [];
      times.push(performance.now());
      calls.set(input.key, times);
      if (calls.size === KEYS && [...calls.values()].every((t) => t.length >= CALLS_OBSERVED)) {
        onEnough();
      }
      if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return store.complete(input);
    },
  };
  return { wrapped, calls, enough, recover: () => (down = false) };
}

/**
 * How far the keys' order at try number `call` is from their order at the try before: the
 * number of pairs of keys that swapped places. Pauses of one length fire first-in first-out,
 * so without jitter every key keeps its place (0), however late a busy machine runs the timers;
 * with jitter the order is shuffled at every try, about n(n-1)/4 pairs swapped for n keys.
 */
function swappedPairs(series: number[][], call: number): number {
  const byPreviousTry = [...series].sort(
    (a, b) => (a[call - 1] as number) - (b[call - 1] as number),
  );
  const next = byPreviousTry.map((times) => times[call] as number);
  let swapped = 0;
  for (let i = 0; i < next.length; i++) {
    for (let j = i + 1; j < next.length; j++)
      if ((next[i] as number) > (next[j] as number)) swapped++;
  }
  return swapped;
}

describe('completion retries during an outage', () => {
  it('keys that failed together do not retry at the same instants', async () => {
    const outage = outageOnComplete(new MemoryStore());
    let completed = 0;
    let onAllCompleted = () => {};
    const allCompleted = new Promise<void>((resolve) => {
      onAllCompleted = resolve;
    });
    const engine = createIdempotency({
      store: outage.wrapped,
      lease: '5s',
      storeTimeout: 600,
      onEvent: (event) => {
        if (event.type === 'completed' && ++completed === KEYS) onAllCompleted();
      },
    });
    const runs = Array.from({ length: KEYS }, (_, i) =>
      engine.run({ key: `order-${i}` }, () => i).catch((error: unknown) => error),
    );
    for (const failure of await Promise.all(runs)) {
      expect(failure).toBeInstanceOf(StoreUnavailableError);
    }
    await outage.enough;
    outage.recover();
    await allCompleted; // the background completion stored every record once the store was back

    // Every key's first try fails at about the same moment; the pauses before the later tries
    // must differ from key to key, or the store sees the same burst again at every retry. Half
    // the swaps a random order has on average is more than 4 standard deviations below it.
    const series = [...outage.calls.values()];
    for (let call = 1; call < CALLS_OBSERVED; call++) {
      expect(swappedPairs(series, call), `try ${call + 1}`).toBeGreaterThanOrEqual(
        (KEYS * (KEYS - 1)) / 8,
      );
    }
    for (let i = 0; i < KEYS; i++) {
      expect(await engine.run({ key: `order-${i}` }, () => -1)).toMatchObject({
        status: 'replayed',
        value: i,
      });
    }
  });
});
