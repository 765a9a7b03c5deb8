import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, ResultTooLargeError, StoreUnavailableError } from '@oncely/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { bytes, postgres, setup, sleep } from './helpers.js';

const LEASE = 10_000;
const TTL = 60_000;

describe.skipIf(!postgres.available)('PostgresStore', () => {
  let pool: pg.Pool;
  let store: PostgresStore;
  let schema: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ pool, store, schema, cleanup } = await setup());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  const acquire = (
    key: string,
    fingerprint = 'fp',
    token = randomUUID(),
    leaseMs = LEASE,
    ttlMs = TTL,
  ) => store.acquire({ key, fingerprint, token, leaseMs, ttlMs });

  it('declares a server clock, shared records and the default 16 MiB limit', () => {
    expect(store.capabilities).toEqual({
      clock: 'server',
      sharedAcrossInstances: true,
      maxResultBytes: 16 * 1024 * 1024,
    });
  });

  it('hands a completed result back to a loser, byte for byte, in the acquire itself', async () => {
    const token = randomUUID();
    const won = await acquire('replay', 'fp', token);
    expect(won).toMatchObject({ acquired: true });
    if (!won.acquired) return;
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(
      await store.complete({ key: 'replay', token, fence: won.fence, result: all, ttlMs: TTL }),
    ).toBe(true);

    const lost = await acquire('replay');
    expect(lost.acquired).toBe(false);
    if (lost.acquired) return;
    expect(lost.record).toMatchObject({ state: 'completed', fingerprint: 'fp', fence: won.fence });
    if (lost.record.state !== 'completed') return;
    expect([...lost.record.result]).toEqual([...all]);
    expect(lost.record.ttlRemainingMs).toBeGreaterThan(TTL - 5_000);
    expect(lost.record.ttlRemainingMs).toBeLessThanOrEqual(TTL);
    expect(await store.get('replay')).toEqual({
      ...lost.record,
      ttlRemainingMs: expect.any(Number),
    });
  });

  it('reports a live in-progress record with its lease to a loser, even one reusing the token', async () => {
    const token = randomUUID();
    const won = await acquire('busy', 'fp', token);
    const again = await acquire('busy', 'fp', token);
    const other = await acquire('busy', 'other');
    for (const lost of [again, other]) {
      expect(lost.acquired).toBe(false);
      if (lost.acquired || !won.acquired) return;
      expect(lost.record).toMatchObject({
        state: 'in_progress',
        fingerprint: 'fp',
        fence: won.fence,
      });
      if (lost.record.state !== 'in_progress') return;
      expect(lost.record.leaseRemainingMs).toBeGreaterThan(LEASE - 5_000);
      expect(lost.record.leaseRemainingMs).toBeLessThanOrEqual(LEASE);
    }
  });

  it('lets the same request take over a lapsed lease with a larger fence, and refuses another', async () => {
    const first = randomUUID();
    const won = await acquire('lapse', 'fp', first, 50);
    await sleep(80);
    const mismatch = await acquire('lapse', 'different');
    expect(mismatch).toMatchObject({
      acquired: false,
      record: { state: 'in_progress', fingerprint: 'fp', leaseRemainingMs: 0 },
    });
    const second = randomUUID();
    const takeover = await acquire('lapse', 'fp', second);
    expect(takeover.acquired).toBe(true);
    if (!won.acquired || !takeover.acquired) return;
    expect(takeover.fence).toBeGreaterThan(won.fence);
    // The first owner is fenced out of every write.
    const stale = { key: 'lapse', token: first, fence: won.fence };
    expect(await store.complete({ ...stale, result: bytes('old'), ttlMs: TTL })).toBe(false);
    expect(await store.extend({ ...stale, leaseMs: LEASE })).toBe(false);
    expect(await store.release(stale)).toBe(false);
    expect(await store.get('lapse')).toMatchObject({ state: 'in_progress', fence: takeover.fence });
  });

  it('lets the owner complete after its lease lapsed when nobody took over, and repeat it', async () => {
    const token = randomUUID();
    const won = await acquire('late', 'fp', token, 30);
    if (!won.acquired) throw new Error('expected to win');
    await sleep(60);
    const owner = { key: 'late', token, fence: won.fence, ttlMs: TTL };
    expect(await store.complete({ ...owner, result: bytes('done') })).toBe(true);
    expect(await store.complete({ ...owner, result: bytes('done') })).toBe(true);
    expect(await store.release(owner)).toBe(false);
    expect(await store.extend({ ...owner, leaseMs: LEASE })).toBe(false);
  });

  it('keeps fences growing across release, and shows a released key as absent', async () => {
    const token = randomUUID();
    const won = await acquire('release', 'fp', token);
    if (!won.acquired) throw new Error('expected to win');
    expect(await store.release({ key: 'release', token, fence: won.fence })).toBe(true);
    expect(await store.get('release')).toBeUndefined();
    const again = await acquire('release', 'a different request may use a released key');
    expect(again.acquired).toBe(true);
    if (again.acquired) expect(again.fence).toBeGreaterThan(won.fence);
  });

  it('extends a lease only for its owner', async () => {
    const token = randomUUID();
    const won = await acquire('extend', 'fp', token, 100);
    if (!won.acquired) throw new Error('expected to win');
    expect(
      await store.extend({ key: 'extend', token: randomUUID(), fence: won.fence, leaseMs: LEASE }),
    ).toBe(false);
    expect(await store.extend({ key: 'extend', token, fence: won.fence + 1, leaseMs: LEASE })).toBe(
      false,
    );
    expect(await store.extend({ key: 'extend', token, fence: won.fence, leaseMs: LEASE })).toBe(
      true,
    );
    await sleep(150);
    expect(await acquire('extend')).toMatchObject({
      acquired: false,
      record: { state: 'in_progress' },
    });
  });

  it('expires records by the database clock: completed after its ttl, in progress after its retention', async () => {
    const token = randomUUID();
    const won = await acquire('ttl', 'fp', token);
    if (!won.acquired) throw new Error('expected to win');
    await store.complete({ key: 'ttl', token, fence: won.fence, result: bytes('x'), ttlMs: 50 });
    const abandoned = await acquire('retention', 'fp', randomUUID(), 20, 60);
    expect(abandoned.acquired).toBe(true);
    await sleep(90);
    expect(await store.get('ttl')).toBeUndefined();
    expect(await store.get('retention')).toBeUndefined();
    // Expired rows are still in the table until purged; reads and writes ignore them.
    const { rowCount } = await pool.query(
      `SELECT 1 FROM "${schema}".oncely_records WHERE key IN ('ttl', 'retention')`,
    );
    expect(rowCount).toBe(2);
    const fresh = await acquire('ttl', 'another request');
    expect(fresh.acquired).toBe(true);
    if (fresh.acquired) expect(fresh.fence).toBeGreaterThan(won.fence);
    expect(await acquire('retention', 'another request')).toMatchObject({ acquired: true });
  });

  it('keeps keys apart that PostgreSQL text alone could not: NUL, lone surrogates, U+0001', async () => {
    const keys = [
      'k\u0000',
      'k',
      'k\u0001',
      'k\u0001\u0001',
      'k\uD800',
      'k\uDBFF',
      'k\uFFFD',
      'k😀',
      '鍵\u0000\uDC00',
    ];
    const results = [];
    for (const key of keys) results.push(await acquire(key, `fp:${key}`));
    expect(results.every((result) => result.acquired)).toBe(true);
    for (const key of keys) {
      const record = await store.get(key);
      // The fingerprint, with the same unusual characters, comes back exactly.
      expect(record?.fingerprint).toBe(`fp:${key}`);
    }
  });

  it('stores long unicode keys and empty results', async () => {
    const key = `${'ключ-🔑-'.repeat(60)}end`;
    const token = randomUUID();
    const won = await acquire(key, 'fp', token);
    if (!won.acquired) throw new Error('expected to win');
    expect(
      await store.complete({ key, token, fence: won.fence, result: new Uint8Array(), ttlMs: TTL }),
    ).toBe(true);
    const record = await store.get(key);
    expect(record).toMatchObject({ state: 'completed' });
    if (record?.state === 'completed') expect(record.result.byteLength).toBe(0);
  });

  it('accepts a Uint8Array view into a larger buffer and stores only its bytes', async () => {
    const token = randomUUID();
    const won = await acquire('view', 'fp', token);
    if (!won.acquired) throw new Error('expected to win');
    const backing = Uint8Array.from([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    await store.complete({ key: 'view', token, fence: won.fence, result: view, ttlMs: TTL });
    const record = await store.get('view');
    if (record?.state !== 'completed') throw new Error('expected a completed record');
    expect([...record.result]).toEqual([1, 2, 3]);
  });

  it('refuses a result over maxResultBytes without writing it', async () => {
    const small = new PostgresStore({ pool, schema, maxResultBytes: 4 });
    const token = randomUUID();
    const won = await small.acquire({
      key: 'big',
      fingerprint: 'fp',
      token,
      leaseMs: LEASE,
      ttlMs: TTL,
    });
    if (!won.acquired) throw new Error('expected to win');
    await expect(
      small.complete({
        key: 'big',
        token,
        fence: won.fence,
        result: new Uint8Array(5),
        ttlMs: TTL,
      }),
    ).rejects.toBeInstanceOf(ResultTooLargeError);
    expect(await small.get('big')).toMatchObject({ state: 'in_progress' });
    expect(
      await small.complete({
        key: 'big',
        token,
        fence: won.fence,
        result: new Uint8Array(4),
        ttlMs: TTL,
      }),
    ).toBe(true);
  });

  it('stores results of several megabytes', async () => {
    const token = randomUUID();
    const won = await acquire('large', 'fp', token);
    if (!won.acquired) throw new Error('expected to win');
    const result = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < result.length; i++) result[i] = (i * 31) & 0xff;
    await store.complete({ key: 'large', token, fence: won.fence, result, ttlMs: TTL });
    const record = await store.get('large');
    if (record?.state !== 'completed') throw new Error('expected a completed record');
    expect(Buffer.compare(Buffer.from(record.result), Buffer.from(result))).toBe(0);
  });

  it('deletes a record outright', async () => {
    await acquire('gone');
    await store.delete('gone');
    expect(await store.get('gone')).toBeUndefined();
    expect(await acquire('gone', 'another request')).toMatchObject({ acquired: true });
  });

  it('close() leaves the pool it was given open', async () => {
    const other = new PostgresStore({ pool, schema });
    await other.close();
    expect((await pool.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
  });

  it('validates its options, naming the field', () => {
    const cases: [unknown, string][] = [
      [undefined, 'options'],
      [{}, 'pool'],
      [{ pool: { query() {} } }, 'pool'],
      [{ pool, schema: 'bad"name' }, 'schema'],
      [{ pool, schema: '1abc' }, 'schema'],
      [{ pool, table: 'x; DROP TABLE y' }, 'table'],
      [{ pool, table: 'a'.repeat(49) }, 'table'],
      [{ pool, maxResultBytes: 0 }, 'maxResultBytes'],
      [{ pool, maxResultBytes: 2 ** 30 }, 'maxResultBytes'],
      [{ pool, maxResultBytes: 1.5 }, 'maxResultBytes'],
    ];
    for (const [options, field] of cases) {
      let error: unknown;
      try {
        new PostgresStore(options as never);
      } catch (caught) {
        error = caught;
      }
      expect(error, field).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe(field);
    }
    expect(
      new PostgresStore({ pool, schema: 'Mixed_Case_1', table: 'a'.repeat(48) }).names.table,
    ).toHaveLength(48);
  });

  it('validates purgeExpired options', async () => {
    await expect(store.purgeExpired({ batchSize: 0 })).rejects.toMatchObject({
      field: 'batchSize',
    });
    await expect(store.purgeExpired({ maxBatches: 0 })).rejects.toMatchObject({
      field: 'maxBatches',
    });
  });

  it('turns driver failures into StoreUnavailableError with the cause attached', async () => {
    const missing = new PostgresStore({ pool, schema, table: 'no_such_table' });
    // The table check itself: a clear message, as InvalidArgumentError naming the table option.
    await expect(missing.get('k')).rejects.toMatchObject({ field: 'table' });
    // A failure after the check (the table vanished) is a store failure.
    const doomed = new PostgresStore({ pool, schema, table: 'dropped_later' });
    await doomed.migrate();
    await pool.query(`DROP TABLE "${schema}".dropped_later`);
    const error = await doomed.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).cause).toBeInstanceOf(Error);
  });
});
