import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ResultTooLargeError } from '@oncely/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTE, DynamoDBStore, GUARANTEED_RESULT_BYTES, MAX_ITEM_BYTES } from '../src/index.js';
import {
  countRequests,
  dropTable,
  localClient,
  probeDynamoDBLocal,
  rawItem,
  uniqueTableName,
} from './helpers.js';

const probe = await probeDynamoDBLocal();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Text that compresses well but not trivially: numbered JSON-ish lines. */
function compressible(size: number): Uint8Array {
  let text = '';
  for (let line = 0; text.length < size; line++) {
    text += `{"line":${line},"status":"ok","amount":${(line * 37) % 1000},"currency":"EUR"}\n`;
  }
  return new TextEncoder().encode(text.slice(0, size));
}

describe.skipIf(!probe.available)('DynamoDBStore on DynamoDB Local', () => {
  let client: DynamoDBClient;
  let store: DynamoDBStore;
  const tableName = uniqueTableName('store');
  const newKey = () => `key-${randomUUID()}`;
  const acquireInput = (
    key: string,
    overrides: Partial<{ fingerprint: string; leaseMs: number; ttlMs: number }> = {},
  ) => ({
    key,
    fingerprint: 'fp-a',
    token: randomUUID(),
    leaseMs: 30_000,
    ttlMs: 60_000,
    ...overrides,
  });

  /** Acquire a fresh key and return what its owner needs to complete it. */
  async function owned(key = newKey()) {
    const input = acquireInput(key);
    const attempt = await store.acquire(input);
    if (!attempt.acquired) throw new Error('expected to acquire a fresh key');
    return { key, token: input.token, fence: attempt.fence };
  }

  beforeAll(async () => {
    client = localClient();
    store = new DynamoDBStore({ client, tableName });
    await store.createTable();
  });

  afterAll(async () => {
    await dropTable(client, tableName);
    client.destroy();
  });

  it('acquires a free key with one request; the next caller gets the record instead', async () => {
    const log = countRequests(client);
    const key = newKey();
    expect(await store.acquire(acquireInput(key))).toEqual({ acquired: true, fence: 1 });
    const second = await store.acquire(acquireInput(key));
    if (second.acquired) throw new Error('the key was handed out twice');
    expect(second.record).toMatchObject({ state: 'in_progress', fingerprint: 'fp-a', fence: 1 });
    if (second.record.state !== 'in_progress') return;
    expect(second.record.leaseRemainingMs).toBeGreaterThan(20_000);
    expect(log.commands).toEqual(['UpdateItem', 'UpdateItem']);
  });

  it('keeps the key when the SDK resends an acquire whose first answer was lost', async () => {
    const flaky = localClient({ maxAttempts: 3 });
    const log = countRequests(flaky);
    let dropped = false;
    // Inside the SDK's retry loop: let the first UpdateItem reach DynamoDB and be applied,
    // then lose its answer the way a reset connection does.
    flaky.middlewareStack.add(
      (next) => async (args) => {
        const output = await next(args);
        if (!dropped) {
          dropped = true;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return output;
      },
      { step: 'finalizeRequest', priority: 'low', name: 'loseFirstAnswer' },
    );
    try {
      const key = newKey();
      const input = acquireInput(key);
      const attempt = await new DynamoDBStore({ client: flaky, tableName }).acquire(input);
      expect(log.attempts).toBe(2); // the write went out twice...
      expect(attempt).toEqual({ acquired: true, fence: 1 }); // ...and the key is still ours
      expect((await rawItem(client, tableName, key))?.[ATTRIBUTE.token]?.S).toBe(input.token);
      // Another acquisition (another token) still loses.
      expect((await store.acquire(acquireInput(key))).acquired).toBe(false);
    } finally {
      flaky.destroy();
    }
  });

  it('hands a loser the completed result, byte for byte, from the failed condition', async () => {
    const owner = await owned();
    const result = new Uint8Array(256).map((_, index) => index);
    expect(await store.complete({ ...owner, result, ttlMs: 60_000 })).toBe(true);
    const loser = await store.acquire(acquireInput(owner.key));
    if (loser.acquired) throw new Error('a completed key was acquired');
    expect(loser.record.state).toBe('completed');
    if (loser.record.state !== 'completed') return;
    expect(Buffer.from(loser.record.result).equals(Buffer.from(result))).toBe(true);
    expect(loser.record.ttlRemainingMs).toBeGreaterThan(50_000);
  });

  it('writes the exact expiry in ms and a TTL in whole epoch seconds, rounded up', async () => {
    const before = Date.now();
    const { key } = await owned();
    const item = await rawItem(client, tableName, key);
    const expiresAtMs = Number(item?.[ATTRIBUTE.expiresAtMs]?.N);
    expect(expiresAtMs).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiresAtMs).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(Number(item?.ttl?.N)).toBe(Math.ceil(expiresAtMs / 1000));
  });

  it('treats a record past its exact expiry as gone while DynamoDB still holds the item', async () => {
    const key = newKey();
    const first = await store.acquire(acquireInput(key, { leaseMs: 100, ttlMs: 200 }));
    expect(first.acquired).toBe(true);
    await sleep(300);
    // DynamoDB's TTL deletes late: the item is still there, but it is not a record any more.
    expect(await rawItem(client, tableName, key)).toBeDefined();
    expect(await store.get(key)).toBeUndefined();
    // Even a different request may take it, and the fence keeps growing.
    expect(await store.acquire(acquireInput(key, { fingerprint: 'fp-b' }))).toEqual({
      acquired: true,
      fence: 2,
    });
  });

  it('keeps a released key as a marker so that the next fence is larger', async () => {
    const owner = await owned();
    expect(await store.release(owner)).toBe(true);
    expect(await store.get(owner.key)).toBeUndefined();
    expect((await rawItem(client, tableName, owner.key))?.[ATTRIBUTE.state]?.S).toBe('released');
    expect(await store.acquire(acquireInput(owner.key, { fingerprint: 'fp-b' }))).toEqual({
      acquired: true,
      fence: owner.fence + 1,
    });
  });

  it('refuses complete, release and extend from a stale owner without writing', async () => {
    const key = newKey();
    const stale = await store.acquire(acquireInput(key, { leaseMs: 50 }));
    if (!stale.acquired) throw new Error('expected to acquire');
    await sleep(100);
    const current = acquireInput(key);
    expect(await store.acquire(current)).toEqual({ acquired: true, fence: 2 });
    const before = await rawItem(client, tableName, key);
    const staleOwner = { key, token: 'not-the-token', fence: stale.fence };
    expect(await store.complete({ ...staleOwner, result: new Uint8Array([1]), ttlMs: 1000 })).toBe(
      false,
    );
    expect(await store.release(staleOwner)).toBe(false);
    expect(await store.extend({ ...staleOwner, leaseMs: 1000 })).toBe(false);
    expect(
      await store.complete({
        key,
        token: current.token,
        fence: 1,
        result: new Uint8Array([1]),
        ttlMs: 1000,
      }),
    ).toBe(false);
    expect(await rawItem(client, tableName, key)).toEqual(before);
  });

  it('stores small results raw, compressible large ones brotli-compressed, incompressible ones raw', async () => {
    const cases = [
      { result: compressible(500), encoding: undefined },
      { result: compressible(50_000), encoding: 'br' },
      { result: new Uint8Array(randomBytes(50_000)), encoding: undefined },
    ];
    for (const { result, encoding } of cases) {
      const owner = await owned();
      expect(await store.complete({ ...owner, result, ttlMs: 60_000 })).toBe(true);
      const item = await rawItem(client, tableName, owner.key);
      expect(item?.[ATTRIBUTE.resultEncoding]?.S).toBe(encoding);
      const storedBytes = item?.[ATTRIBUTE.result]?.B?.byteLength ?? 0;
      if (encoding === 'br') expect(storedBytes).toBeLessThan(result.byteLength / 4);
      else expect(storedBytes).toBe(result.byteLength);
      const record = await store.get(owner.key);
      expect(
        record?.state === 'completed' && Buffer.from(record.result).equals(Buffer.from(result)),
      ).toBe(true);
    }
  });

  it('drops the compressed form when the owner completes again with a small result', async () => {
    const owner = await owned();
    await store.complete({ ...owner, result: compressible(50_000), ttlMs: 60_000 });
    expect(
      await store.complete({ ...owner, result: new Uint8Array([7, 8, 9]), ttlMs: 60_000 }),
    ).toBe(true);
    const item = await rawItem(client, tableName, owner.key);
    expect(item?.[ATTRIBUTE.resultEncoding]).toBeUndefined();
    const record = await store.get(owner.key);
    expect(record?.state === 'completed' && [...record.result]).toEqual([7, 8, 9]);
  });

  it('stores an incompressible result that fills most of an item', async () => {
    const owner = await owned();
    const result = new Uint8Array(randomBytes(MAX_ITEM_BYTES - 4096));
    expect(await store.complete({ ...owner, result, ttlMs: 60_000 })).toBe(true);
    const record = await store.get(owner.key);
    expect(
      record?.state === 'completed' && Buffer.from(record.result).equals(Buffer.from(result)),
    ).toBe(true);
  });

  it('refuses a result that does not fit even compressed with ResultTooLargeError, writing nothing', async () => {
    const owner = await owned();
    const before = await rawItem(client, tableName, owner.key);
    const result = new Uint8Array(randomBytes(MAX_ITEM_BYTES));
    const refusal = await store
      .complete({ ...owner, result, ttlMs: 60_000 })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ResultTooLargeError);
    expect((refusal as ResultTooLargeError).size).toBe(MAX_ITEM_BYTES);
    expect((refusal as ResultTooLargeError).limit).toBeLessThan(MAX_ITEM_BYTES);
    expect(await rawItem(client, tableName, owner.key)).toEqual(before);
    // The owner still holds the key and can release it for a retry.
    expect(await store.release(owner)).toBe(true);
  });

  it('fits a result of exactly the budget it reports, even beside the longest fingerprint', async () => {
    // 512 three-byte characters: the largest fingerprint the engine sends, 1536 bytes.
    const input = acquireInput(newKey(), { fingerprint: '€'.repeat(512) });
    const attempt = await store.acquire(input);
    if (!attempt.acquired) throw new Error('expected to acquire');
    const owner = { key: input.key, token: input.token, fence: attempt.fence };
    const refusal = await store
      .complete({ ...owner, result: new Uint8Array(randomBytes(MAX_ITEM_BYTES)), ttlMs: 60_000 })
      .catch((error: unknown) => error);
    const budget = (refusal as ResultTooLargeError).limit;
    const oneOver = new Uint8Array(randomBytes(budget + 1));
    await expect(
      store.complete({ ...owner, result: oneOver, ttlMs: 60_000 }),
    ).rejects.toBeInstanceOf(ResultTooLargeError);
    const exact = new Uint8Array(randomBytes(budget));
    expect(await store.complete({ ...owner, result: exact, ttlMs: 60_000 })).toBe(true);
    const record = await store.get(owner.key);
    expect(record?.state === 'completed' && record.result.byteLength).toBe(budget);
  });

  it("turns DynamoDB's own item-size refusal into ResultTooLargeError (fingerprint beyond the reserve)", async () => {
    const input = acquireInput(newKey(), { fingerprint: 'f'.repeat(20_000) });
    const attempt = await store.acquire(input);
    if (!attempt.acquired) throw new Error('expected to acquire');
    const owner = { key: input.key, token: input.token, fence: attempt.fence };
    const refusal = await store
      .complete({ ...owner, result: new Uint8Array(randomBytes(MAX_ITEM_BYTES)), ttlMs: 60_000 })
      .catch((error: unknown) => error);
    const budget = (refusal as ResultTooLargeError).limit;
    // Fits the budget, but with a 20 KB fingerprint the item does not fit in 400 KB.
    const result = new Uint8Array(randomBytes(budget));
    const error = await store
      .complete({ ...owner, result, ttlMs: 60_000 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResultTooLargeError);
    expect((await store.get(owner.key))?.state).toBe('in_progress');
  });

  it('refuses a result above maxResultBytes before compressing it', async () => {
    const small = new DynamoDBStore({ client, tableName, maxResultBytes: 1000 });
    expect(small.capabilities).toEqual({
      maxResultBytes: 1000,
      clock: 'caller',
      sharedAcrossInstances: true,
    });
    const owner = await owned();
    const refusal = await small
      .complete({ ...owner, result: new Uint8Array(1001), ttlMs: 60_000 })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ResultTooLargeError);
    expect((refusal as ResultTooLargeError).limit).toBe(1000);
    expect((await store.get(owner.key))?.state).toBe('in_progress');
  });

  it('deletes a record outright, so the fence sequence starts again', async () => {
    const owner = await owned();
    await store.delete(owner.key);
    expect(await rawItem(client, tableName, owner.key)).toBeUndefined();
    expect(await store.acquire(acquireInput(owner.key))).toEqual({ acquired: true, fence: 1 });
  });

  it('leaves the client it was given open on close()', async () => {
    const other = new DynamoDBStore({ client, tableName });
    await other.close();
    const { key } = await owned();
    expect((await other.get(key))?.state).toBe('in_progress');
  });

  it("keeps keys over DynamoDB's 2048-byte key limit working, under their SHA-256", async () => {
    const base = `${newKey()}-${'é'.repeat(1500)}`; // over 3000 bytes of UTF-8
    const [first, second] = [`${base}1`, `${base}2`];
    const owner = await owned(first);
    expect(await store.acquire(acquireInput(second))).toEqual({ acquired: true, fence: 1 });
    expect(await store.complete({ ...owner, result: new Uint8Array([1]), ttlMs: 60_000 })).toBe(
      true,
    );
    expect((await store.get(first))?.state).toBe('completed');
    expect((await store.get(second))?.state).toBe('in_progress');
    const hashed = `#sha256#${createHash('sha256').update(first).digest('base64url')}`;
    expect((await rawItem(client, tableName, hashed))?.[ATTRIBUTE.state]?.S).toBe('completed');
    await store.delete(first);
    expect(await store.get(first)).toBeUndefined();
    expect((await store.get(second))?.state).toBe('in_progress');
  });

  it('stores GUARANTEED_RESULT_BYTES of random bytes beside the largest key, names and fingerprint', async () => {
    const customTable = uniqueTableName('largest');
    const roomy = new DynamoDBStore({
      client,
      tableName: customTable,
      keyAttribute: 'k'.repeat(255),
      ttlAttribute: 't'.repeat(255),
    });
    await roomy.createTable();
    try {
      const input = acquireInput(`${newKey()}-`.padEnd(2048, 'x'), {
        fingerprint: '€'.repeat(512),
      });
      const attempt = await roomy.acquire(input);
      if (!attempt.acquired) throw new Error('expected to acquire');
      const result = new Uint8Array(randomBytes(GUARANTEED_RESULT_BYTES));
      const owner = { key: input.key, token: input.token, fence: attempt.fence };
      expect(await roomy.complete({ ...owner, result, ttlMs: 60_000 })).toBe(true);
      const record = await roomy.get(input.key);
      expect(
        record?.state === 'completed' && Buffer.from(record.result).equals(Buffer.from(result)),
      ).toBe(true);
    } finally {
      await dropTable(client, customTable);
    }
  });

  it('uses the key and TTL attribute names it is given', async () => {
    const customTable = uniqueTableName('names');
    const custom = new DynamoDBStore({
      client,
      tableName: customTable,
      keyAttribute: 'id',
      ttlAttribute: 'expires_at',
    });
    await custom.createTable();
    try {
      const key = newKey();
      const attempt = await custom.acquire(acquireInput(key));
      expect(attempt.acquired).toBe(true);
      const item = await rawItem(client, customTable, key, 'id');
      expect(item?.id?.S).toBe(key);
      expect(Number(item?.expires_at?.N)).toBe(
        Math.ceil(Number(item?.[ATTRIBUTE.expiresAtMs]?.N) / 1000),
      );
      expect(item?.pk).toBeUndefined();
      expect(item?.ttl).toBeUndefined();
    } finally {
      await dropTable(client, customTable);
    }
  });
});
