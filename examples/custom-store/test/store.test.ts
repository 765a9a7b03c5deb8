import { randomUUID } from 'node:crypto';
import {
  createIdempotency,
  FingerprintMismatchError,
  InvalidArgumentError,
  StoreUnavailableError,
} from '@oncely/core';
import { freePort } from '@oncely/testing';
import { createPool as createCallbackPool } from 'mysql2';
import { createPool, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MariaDbStore, type MariaDbStoreOptions } from '../src/index.js';
import { createIdempotencyOnMariaDb } from '../src/wire-up.js';
import { createTestTable, dropTable, mariadb, openPool } from './database.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const acquireInput = (key: string, fingerprint = 'fp', leaseMs = 60_000) => ({
  key,
  fingerprint,
  token: randomUUID(),
  leaseMs,
  ttlMs: 60_000,
});

function fieldOf(make: () => unknown): string | undefined {
  try {
    make();
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error.field;
    throw error;
  }
  return undefined;
}

describe('MariaDbStore options', () => {
  // No connection is made: a pool connects lazily.
  const pool = createPool({ uri: 'mysql://root@127.0.0.1:3306/test' });
  afterAll(() => pool.end());

  it('throws InvalidArgumentError naming the field', () => {
    const make = (options: unknown) => () => new MariaDbStore(options as MariaDbStoreOptions);
    expect(fieldOf(make(undefined))).toBe('options');
    expect(fieldOf(make({}))).toBe('pool');
    const callbackPool = createCallbackPool({ uri: 'mysql://root@127.0.0.1:3306/test' });
    expect(fieldOf(make({ pool: callbackPool }))).toBe('pool');
    callbackPool.end();
    expect(fieldOf(make({ pool, table: 'records; DROP TABLE users' }))).toBe('table');
    expect(fieldOf(make({ pool, table: '' }))).toBe('table');
    expect(fieldOf(make({ pool, table: 'x'.repeat(65) }))).toBe('table');
    expect(fieldOf(make({ pool, maxResultBytes: 0 }))).toBe('maxResultBytes');
    expect(fieldOf(make({ pool, maxResultBytes: 1.5 }))).toBe('maxResultBytes');
    expect(fieldOf(make({ pool, maxResultBytes: 2 ** 40 }))).toBe('maxResultBytes');
    expect(fieldOf(make({ pool, table: 'records_2', maxResultBytes: 1024 }))).toBeUndefined();
  });

  it('declares a server clock, shared records and its result limit', () => {
    expect(new MariaDbStore({ pool, maxResultBytes: 1024 }).capabilities).toEqual({
      maxResultBytes: 1024,
      clock: 'server',
      sharedAcrossInstances: true,
    });
  });
});

describe('MariaDbStore on a pool that cannot connect', () => {
  it('fails closed: the engine reports StoreUnavailableError and runs nothing', async () => {
    const pool = createPool({ host: '127.0.0.1', port: await freePort(), user: 'root' });
    const idempotency = createIdempotency({ store: new MariaDbStore({ pool }) });
    const handler = vi.fn(() => 'charged');
    await expect(idempotency.run({ key: 'k1', request: {} }, handler)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(handler).not.toHaveBeenCalled();
    await pool.end();
  });
});

describe.skipIf(!mariadb.available)('MariaDbStore against MariaDB', () => {
  let pool: Pool;
  let table = '';
  let store: MariaDbStore;

  beforeAll(async () => {
    pool = openPool();
    table = await createTestTable(pool);
    store = new MariaDbStore({ pool, table });
  });

  afterAll(async () => {
    if (table) await dropTable(pool, table);
    await pool.end();
  });

  it('runs an operation once through the engine and replays it', async () => {
    const idempotency = await createIdempotencyOnMariaDb(pool, table);
    const key = `order-${randomUUID()}`;
    let runs = 0;
    const pay = () => idempotency.run({ key, request: { amount: 1200 } }, () => ({ paid: ++runs }));
    expect(await pay()).toMatchObject({ status: 'executed', value: { paid: 1 } });
    expect(await pay()).toMatchObject({ status: 'replayed', value: { paid: 1 } });
    await expect(
      idempotency.run({ key, request: { amount: 9999 } }, () => ({ paid: ++runs })),
    ).rejects.toBeInstanceOf(FingerprintMismatchError);
    expect(runs).toBe(1);
  });

  it('compares fingerprints byte for byte: case and trailing spaces matter', async () => {
    const key = `fp-${randomUUID()}`;
    const won = await store.acquire(acquireInput(key, 'abc', 30));
    expect(won.acquired).toBe(true);
    await sleep(80);
    // A text collation would call these equal to 'abc' and let them take over the lapsed lease.
    for (const other of ['abc ', 'ABC']) {
      const reply = await store.acquire(acquireInput(key, other));
      expect(reply).toEqual({
        acquired: false,
        record: { state: 'in_progress', fingerprint: 'abc', fence: 1, leaseRemainingMs: 0 },
      });
    }
    expect(await store.acquire(acquireInput(key, 'abc'))).toEqual({ acquired: true, fence: 2 });
  });

  it('refuses a fingerprint that has no UTF-8 form, naming the field', async () => {
    await expect(
      store.acquire(acquireInput(`k-${randomUUID()}`, 'fp-\udc00')),
    ).rejects.toMatchObject({ field: 'fingerprint' });
  });

  it('holds keys far longer than an index allows, distinct from their prefixes', async () => {
    const long = `${randomUUID()}:${'🦄'.repeat(4000)}`; // 16 kB of UTF-8
    const prefix = long.slice(0, -2);
    expect((await store.acquire(acquireInput(long))).acquired).toBe(true);
    expect((await store.acquire(acquireInput(prefix))).acquired).toBe(true);
    expect(await store.get(long)).toMatchObject({ state: 'in_progress', fence: 1 });
  });

  it("measures time on the server's clock, not the caller's", async () => {
    const key = `clock-${randomUUID()}`;
    await store.acquire(acquireInput(key, 'fp', 60_000));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3_600_000);
      const record = await store.get(key);
      expect(record).toMatchObject({ state: 'in_progress' });
      expect((record as { leaseRemainingMs: number }).leaseRemainingMs).toBeGreaterThan(50_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('hides an expired record that is still in the table, and the next acquire reuses the row', async () => {
    const key = `expired-${randomUUID()}`;
    const counted = async () => {
      const [rows] = await pool.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
      return Number((rows as Array<{ n: number }>)[0]?.n);
    };
    const before = await counted();
    const won = await store.acquire({ ...acquireInput(key), ttlMs: 40, leaseMs: 40 });
    expect(won).toEqual({ acquired: true, fence: 1 });
    await sleep(100);
    expect(await store.get(key)).toBeUndefined();
    expect(await counted()).toBe(before + 1);
    // The expired row is taken over in place, and its fence keeps growing.
    expect(await store.acquire(acquireInput(key, 'another'))).toEqual({
      acquired: true,
      fence: 2,
    });
    expect(await counted()).toBe(before + 1);
  });

  it('reports repeated writes by the owner without CLIENT_FOUND_ROWS', async () => {
    const changedRowsPool = openPool({ connectionLimit: 1, flags: ['-FOUND_ROWS'] });
    try {
      const strict = new MariaDbStore({ pool: changedRowsPool, table });
      const input = acquireInput(`found-rows-${randomUUID()}`);
      const won = await strict.acquire(input);
      if (!won.acquired) throw new Error('expected a win');
      const owner = { key: input.key, token: input.token, fence: won.fence };
      // Back to back, many of these land in the same millisecond and would change no column.
      for (let i = 0; i < 20; i++)
        expect(await strict.extend({ ...owner, leaseMs: 60_000 })).toBe(true);
      const result = new Uint8Array([1, 2, 3]);
      for (let i = 0; i < 20; i++) {
        expect(await strict.complete({ ...owner, result, ttlMs: 60_000 })).toBe(true);
      }
    } finally {
      await changedRowsPool.end();
    }
  });

  it('reads BIGINT columns as numbers when the pool returns them as strings', async () => {
    const stringsPool = openPool({
      connectionLimit: 1,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    try {
      const strings = new MariaDbStore({ pool: stringsPool, table });
      const key = `bigint-${randomUUID()}`;
      expect(await strings.acquire(acquireInput(key))).toEqual({ acquired: true, fence: 1 });
      const record = await strings.get(key);
      expect(record).toMatchObject({ state: 'in_progress', fence: 1 });
      expect(typeof (record as { leaseRemainingMs: unknown }).leaseRemainingMs).toBe('number');
    } finally {
      await stringsPool.end();
    }
  });

  it('close() leaves the pool it was given open', async () => {
    await new MariaDbStore({ pool, table }).close();
    const [rows] = await pool.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});
