import { deferred } from '@oncely/testing';
import { describe, expect, it } from 'vitest';
import {
  createIdempotency,
  handleMessage,
  InvalidArgumentError,
  OwnershipLostError,
  type Store,
  StoreUnavailableError,
} from '../src/index.js';
import { MemoryStore } from './support/memory.js';

interface Message {
  id: string | undefined;
  orderId: string;
}

function consumer(store: Store = new MemoryStore()) {
  const idempotency = createIdempotency({ store, lease: '5s' });
  const effects: string[] = [];
  const consume = (message: Message, work?: () => Promise<void>) =>
    handleMessage(() =>
      idempotency.run({ key: message.id, request: { orderId: message.orderId } }, async () => {
        await work?.();
        effects.push(message.orderId);
        return { shipped: message.orderId };
      }),
    );
  return { consume, effects, idempotency };
}

describe('handleMessage', () => {
  it('acks a first delivery once its record is stored, and acks a redelivery as a replay', async () => {
    const { consume, effects } = consumer();
    const first = await consume({ id: 'm-1', orderId: 'o-1' });
    const again = await consume({ id: 'm-1', orderId: 'o-1' });
    expect(first).toMatchObject({ action: 'ack', outcome: { status: 'executed', stored: true } });
    expect(again).toMatchObject({ action: 'ack', outcome: { status: 'replayed' } });
    expect(effects).toEqual(['o-1']);
  });

  it('a delivery of the same message while the first still runs: retry after the lease left', async () => {
    const { consume, effects } = consumer();
    const entered = deferred();
    const finish = deferred();
    const first = consume({ id: 'm-2', orderId: 'o-2' }, async () => {
      entered.resolve();
      await finish.promise;
    });
    await entered.promise;
    const second = await consume({ id: 'm-2', orderId: 'o-2' });
    finish.resolve();
    expect(second).toMatchObject({ action: 'retry', reason: 'conflict' });
    if (second.action !== 'retry') throw new Error('unreachable');
    expect(second.delayMs).toBeGreaterThan(0);
    expect(second.delayMs).toBeLessThanOrEqual(5000);
    expect((await first).action).toBe('ack');
    // The redelivery, once the first is done, replays and is acked.
    expect((await consume({ id: 'm-2', orderId: 'o-2' })).action).toBe('ack');
    expect(effects).toEqual(['o-2']);
  });

  it('the same id with other content is dead-lettered, never run', async () => {
    const { consume, effects } = consumer();
    await consume({ id: 'm-3', orderId: 'o-3' });
    const other = await consume({ id: 'm-3', orderId: 'o-4' });
    expect(other).toMatchObject({ action: 'dead-letter', reason: 'fingerprint-mismatch' });
    expect(effects).toEqual(['o-3']);
  });

  it.each([
    ['no id', undefined, 'missing-key'],
    ['an empty id', '', 'invalid-key'],
    ['an id that is not visible ASCII', 'm 1', 'invalid-key'],
  ])('a message with %s is dead-lettered', async (_, id, reason) => {
    const { consume, effects } = consumer();
    expect(await consume({ id, orderId: 'o-5' })).toMatchObject({
      action: 'dead-letter',
      reason,
    });
    expect(effects).toEqual([]);
  });

  it('a store that is down: retry later, nothing run', async () => {
    const store = new MemoryStore();
    await store.close();
    const { consume, effects } = consumer(store);
    const decision = await consume({ id: 'm-6', orderId: 'o-6' });
    expect(decision).toMatchObject({ action: 'retry', reason: 'store-unavailable' });
    if (decision.action !== 'retry') throw new Error('unreachable');
    expect(decision.error).toBeInstanceOf(StoreUnavailableError);
    expect(decision.delayMs).toBeGreaterThan(0);
    expect(effects).toEqual([]);
  });

  it('a handler that throws: retry after retryDelay, and the redelivery runs again', async () => {
    const { idempotency } = consumer();
    let runs = 0;
    const consume = () =>
      handleMessage(
        () =>
          idempotency.run({ key: 'm-7' }, () => {
            runs++;
            if (runs === 1) throw new Error('the warehouse did not answer');
            return 'shipped';
          }),
        { retryDelay: '250ms' },
      );
    const first = await consume();
    expect(first).toMatchObject({ action: 'retry', reason: 'failed', delayMs: 250 });
    if (first.action !== 'retry') throw new Error('unreachable');
    expect((first.error as Error).message).toBe('the warehouse did not answer');
    expect(await consume()).toMatchObject({ action: 'ack', outcome: { status: 'executed' } });
    expect(runs).toBe(2);
  });

  it('a result the policy declines is not acked: the key is released for the redelivery', async () => {
    const { idempotency } = consumer();
    let runs = 0;
    const consume = () =>
      handleMessage(() =>
        idempotency.run({ key: 'm-8', shouldStore: (value: number) => value > 1 }, () => ++runs),
      );
    expect(await consume()).toMatchObject({ action: 'retry', reason: 'not-stored', delayMs: 1000 });
    expect(await consume()).toMatchObject({ action: 'ack' });
    expect(runs).toBe(2);
  });

  it('a lost lease is retried, a too-large result dead-lettered', async () => {
    const lost = await handleMessage(() => Promise.reject(new OwnershipLostError('taken', 3, 1)));
    expect(lost).toMatchObject({ action: 'retry', reason: 'ownership-lost', delayMs: 1000 });
    const { idempotency } = consumer(new MemoryStore({ maxResultBytes: 64 }));
    const big = await handleMessage(() => idempotency.run({ key: 'm-9' }, () => 'x'.repeat(500)));
    expect(big).toMatchObject({ action: 'dead-letter', reason: 'result-too-large' });
  });

  it('a bug in the options rejects instead of being retried forever', async () => {
    const { idempotency } = consumer();
    await expect(
      handleMessage(() => idempotency.run({ key: 'm-10', fingerprint: '' }, () => 1)),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(handleMessage(async () => ({}) as never, { retryDelay: 'soon' })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
