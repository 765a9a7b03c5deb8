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
 * How many keys waited less than half the longest wait before their try number `call`. Without
 * jitter every key waits the same pause (a busy machine only makes each wait a little longer),
 * so none does; with jitter about half do.
 */
function shortWaits(series: number[][], call: number): number {
  const waits = series.map((times) => (times[call] as number) - (times[call - 1] as number));
  const longest = Math.max(...waits);
  return waits.filter((wait) => wait < longest / 2).length;
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
    // must differ from key to key, or the store sees the same burst again at every retry.
    const series = [...outage.calls.values()];
    for (let call = 1; call < CALLS_OBSERVED; call++) {
      expect(shortWaits(series, call), `try ${call + 1}`).toBeGreaterThanOrEqual(KEYS / 5);
    }
    for (let i = 0; i < KEYS; i++) {
      expect(await engine.run({ key: `order-${i}` }, () => -1)).toMatchObject({
        status: 'replayed',
        value: i,
      });
    }
  });
});
