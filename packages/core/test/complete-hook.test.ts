import { describe, expect, it } from 'vitest';
import {
  type AcquireInput,
  type AcquireResult,
  type CompleteInput,
  createIdempotency,
  type ExtendInput,
  InvalidArgumentError,
  type OwnerInput,
  OwnershipLostError,
  ResultTooLargeError,
  type Store,
  type StoreRecord,
} from '../src/index.js';

interface Row {
  fingerprint: string;
  token: string;
  fence: number;
  state: 'in_progress' | 'completed' | 'released';
  result?: Uint8Array;
}

/** Just enough of a store to drive the engine through one key's life; counts `complete` calls. */
class RecordingStore implements Store {
  readonly capabilities = {
    maxResultBytes: 1024,
    clock: 'caller' as const,
    sharedAcrossInstances: false,
  };
  readonly rows = new Map<string, Row>();
  completeCalls = 0;
  private fences = 0;

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    const row = this.rows.get(input.key);
    if (row && row.state !== 'released') return { acquired: false, record: this.view(row) };
    const fence = ++this.fences;
    this.rows.set(input.key, {
      fingerprint: input.fingerprint,
      token: input.token,
      fence,
      state: 'in_progress',
    });
    return { acquired: true, fence };
  }
  async complete(input: CompleteInput): Promise<boolean> {
    this.completeCalls++;
    return this.write(input, input.result);
  }
  /** What a custom completion step would do in its own medium. */
  write(input: CompleteInput, result: Uint8Array): boolean {
    const row = this.rows.get(input.key);
    if (!row || row.token !== input.token || row.fence !== input.fence || row.state === 'released')
      return false;
    row.state = 'completed';
    row.result = result;
    return true;
  }
  async release(input: OwnerInput): Promise<boolean> {
    const row = this.rows.get(input.key);
    if (
      !row ||
      row.token !== input.token ||
      row.fence !== input.fence ||
      row.state !== 'in_progress'
    )
      return false;
    row.state = 'released';
    return true;
  }
  async extend(input: ExtendInput): Promise<boolean> {
    const row = this.rows.get(input.key);
    return Boolean(
      row && row.token === input.token && row.fence === input.fence && row.state === 'in_progress',
    );
  }
  async get(key: string): Promise<StoreRecord | undefined> {
    const row = this.rows.get(key);
    return row && row.state !== 'released' ? this.view(row) : undefined;
  }
  async delete(key: string): Promise<void> {
    this.rows.delete(key);
  }
  async close(): Promise<void> {}
  private view(row: Row): StoreRecord {
    return row.state === 'completed' && row.result
      ? {
          state: 'completed',
          fingerprint: row.fingerprint,
          fence: row.fence,
          result: row.result,
          ttlRemainingMs: 1000,
        }
      : {
          state: 'in_progress',
          fingerprint: row.fingerprint,
          fence: row.fence,
          leaseRemainingMs: 1000,
        };
  }
}

describe('run({ complete }): a custom completion step', () => {
  it('stores the result through the step instead of store.complete, and later calls replay it', async () => {
    const store = new RecordingStore();
    const engine = createIdempotency({ store, heartbeat: false });
    const seen: CompleteInput[] = [];
    const complete = async (input: CompleteInput) => {
      seen.push(input);
      return store.write(input, input.result);
    };

    const first = await engine.run({ key: 'k1', complete }, ({ fence }) => ({ paid: true, fence }));
    expect(first).toMatchObject({ status: 'executed', stored: true, value: { paid: true } });
    expect(store.completeCalls).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      key: 'oncely:0::k1',
      fence: first.fence,
      ttlMs: engine.settings.ttlMs,
    });
    expect(typeof seen[0]?.token).toBe('string');

    const replay = await engine.run({ key: 'k1', complete }, () => ({ paid: false, fence: -1 }));
    expect(replay).toMatchObject({ status: 'replayed', value: { paid: true, fence: first.fence } });
    expect(seen).toHaveLength(1);
  });

  it('turns a false answer into OwnershipLostError carrying the value, and calls the step once', async () => {
    const store = new RecordingStore();
    const engine = createIdempotency({ store, heartbeat: false });
    let calls = 0;
    const error = await engine
      .run(
        {
          key: 'k2',
          complete: async () => {
            calls++;
            return false;
          },
        },
        () => 'ran',
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OwnershipLostError);
    expect((error as OwnershipLostError).result).toBe('ran');
    expect(calls).toBe(1);
  });

  it('passes a thrown error through unchanged, without retrying it or calling store.complete', async () => {
    const store = new RecordingStore();
    const engine = createIdempotency({ store, heartbeat: false });
    const boom = new Error('commit failed');
    let calls = 0;
    const error = await engine
      .run(
        {
          key: 'k3',
          complete: async () => {
            calls++;
            throw boom;
          },
        },
        () => 'ran',
      )
      .catch((caught: unknown) => caught);
    expect(error).toBe(boom);
    expect(calls).toBe(1);
    expect(store.completeCalls).toBe(0);
  });

  it('releases the key when the step refuses the result as too large', async () => {
    const store = new RecordingStore();
    const engine = createIdempotency({ store, heartbeat: false });
    const error = await engine
      .run(
        {
          key: 'k4',
          complete: async () => {
            throw new ResultTooLargeError(2048, 1024);
          },
        },
        () => 'ran',
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResultTooLargeError);
    expect(store.rows.get('oncely:0::k4')?.state).toBe('released');
  });

  it('is not called when shouldStore declines the result', async () => {
    const store = new RecordingStore();
    const engine = createIdempotency({ store, heartbeat: false });
    let calls = 0;
    const outcome = await engine.run(
      {
        key: 'k5',
        shouldStore: () => false,
        complete: async () => {
          calls++;
          return true;
        },
      },
      () => 503,
    );
    expect(outcome).toMatchObject({ status: 'executed', stored: false });
    expect(calls).toBe(0);
    expect(store.rows.get('oncely:0::k5')?.state).toBe('released');
  });

  it('must be a function', async () => {
    const engine = createIdempotency({ store: new RecordingStore() });
    await expect(
      engine.run({ key: 'k6', complete: 'yes' as unknown as () => Promise<boolean> }, () => 1),
    ).rejects.toThrow(InvalidArgumentError);
  });
});
