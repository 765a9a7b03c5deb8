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
 * so without jitter every key keeps its place (0), however late a busy machine runs the timers.
 * With jitter the order shuffles, but not fully: a try comes one pause after the try before, so
 * two keys further apart than the pause range keep their order. On a quiet machine a try swaps
 * about a third of the n(n-1)/2 pairs (1 in 100 runs below a quarter), and a loaded machine that
 * stalls the loop in the middle of a try, or that sends keys to the background retries (whose
 * pauses are shorter), splits the keys into groups that keep their order between them.
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
    // must differ from key to key, or the store sees the same burst again at every retry. Every
    // try must shuffle the order, and the three tries together swap at least a quarter of the
    // pairs of one try: a quiet machine swaps about four times that, three times the fewest one
    // try swapped in a simulation with the loop stalled 300 ms in its middle is still more, and
    // pauses of one length swap none.
    const series = [...outage.calls.values()];
    const pairs = (KEYS * (KEYS - 1)) / 2;
    let swappedInAll = 0;
    for (let call = 1; call < CALLS_OBSERVED; call++) {
      const swapped = swappedPairs(series, call);
      expect(swapped, `try ${call + 1}`).toBeGreaterThanOrEqual(KEYS / 4);
      swappedInAll += swapped;
    }
    expect(swappedInAll, 'tries 2 to 4').toBeGreaterThanOrEqual(pairs / 4);
    for (let i = 0; i < KEYS; i++) {
      expect(await engine.run({ key: `order-${i}` }, () => -1)).toMatchObject({
        status: 'replayed',
        value: i,
      });
    }
  });
});
