import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AcquireResult } from '@oncely/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/index.js';
import { bytes, PG_URL, postgres, setup, sleep } from './helpers.js';

const LEASE = 30_000;
const TTL = 60_000;

/** Wait until `count` statements on our schema are blocked on a lock, so a race is certain. */
async function waitForBlocked(pool: pg.Pool, schema: string, count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`,
      [schema],
    );
    if ((rows[0] as { n: number }).n >= count) return;
    await sleep(10);
  }
  throw new Error(`fewer than ${count} statements ever waited on the lock`);
}

function winners(results: AcquireResult[]): Extract<AcquireResult, { acquired: true }>[] {
  return results.filter(
    (result): result is Extract<AcquireResult, { acquired: true }> => result.acquired,
  );
}

describe.skipIf(!postgres.available)('races across a pool of 16 connections', () => {
  let pool: pg.Pool;
  let store: PostgresStore;
  let schema: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ pool, store, schema, cleanup } = await setup({}, { max: 16 }));
  });
  afterAll(async () => {
    await cleanup?.();
  });

  const acquire = (key: string, token = randomUUID(), fingerprint = 'fp') =>
    store.acquire({ key, fingerprint, token, leaseMs: LEASE, ttlMs: TTL });

  it('has exactly one winner per key, and every loser sees the winner', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `fresh-${i}`);
    const results = await Promise.all(
      keys.flatMap((key) =>
        Array.from({ length: 16 }, () => acquire(key).then((result) => ({ key, result }))),
      ),
    );
    for (const key of keys) {
      const mine = results.filter((entry) => entry.key === key).map((entry) => entry.result);
      const won = winners(mine);
      expect(won, key).toHaveLength(1);
      for (const lost of mine.filter((result) => !result.acquired)) {
        expect(lost).toMatchObject({
          acquired: false,
          record: { state: 'in_progress', fence: won[0]?.fence },
        });
      }
    }
  });

  it('has exactly one winner when every contender reuses one token', async () => {
    const token = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 32 }, () => acquire('one-token', token)),
    );
    expect(winners(results)).toHaveLength(1);
  });

  it('has exactly one winner per round of release and re-acquire, with growing fences', async () => {
    let previous = 0;
    for (let round = 0; round < 5; round++) {
      const contenders = Array.from({ length: 16 }, () => randomUUID());
      const results = await Promise.all(contenders.map((token) => acquire('rounds', token)));
      const won = winners(results);
      expect(won).toHaveLength(1);
      const fence = won[0]?.fence ?? 0;
      expect(fence).toBeGreaterThan(previous);
      previous = fence;
      const owner = contenders[results.findIndex((result) => result.acquired)] ?? '';
      expect(await store.release({ key: 'rounds', token: owner, fence })).toBe(true);
    }
  });

  it('answers contenders blocked behind a row inserted after their snapshot with that row', async () => {
    // A transaction inserts the row and holds it; the acquires start, block on it, and resume
    // only after it commits: the row is newer than their snapshot.
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO ${store.names.qualifiedTable}
           (key, fingerprint, state, token, fence, lease_until, expires_at, result, created_at, updated_at)
         VALUES ('invisible', 'fp', 'in_progress', 'holder', nextval('${store.names.qualifiedSequence}'),
                 clock_timestamp() + interval '30 seconds', clock_timestamp() + interval '1 minute', NULL,
                 clock_timestamp(), clock_timestamp())`,
      );
      const racing = Promise.all(Array.from({ length: 8 }, () => acquire('invisible')));
      await waitForBlocked(pool, schema, 8);
      await holder.query('COMMIT');
      const results = await racing;
      expect(winners(results)).toHaveLength(0);
      const held = await store.get('invisible');
      for (const result of results) {
        expect(result).toEqual({
          acquired: false,
          record: { ...held, leaseRemainingMs: expect.any(Number) },
        });
      }
    } finally {
      holder.release();
    }
  });

  it('answers contenders blocked behind a completion with the completed result, not what they saw first', async () => {
    const token = randomUUID();
    const won = await acquire('completing', token);
    if (!won.acquired) throw new Error('expected to win');
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      const input = {
        key: 'completing',
        token,
        fence: won.fence,
        result: bytes('paid'),
        ttlMs: TTL,
      };
      expect(await store.completeInTransaction(holder, input)).toBe(true);
      const racing = Promise.all(Array.from({ length: 8 }, () => acquire('completing')));
      await waitForBlocked(pool, schema, 8);
      await holder.query('COMMIT');
      for (const result of await racing) {
        expect(result).toMatchObject({
          acquired: false,
          record: { state: 'completed', fence: won.fence },
        });
        if (!result.acquired && result.record.state === 'completed') {
          expect(new TextDecoder().decode(result.record.result)).toBe('paid');
        }
      }
    } finally {
      holder.release();
    }
  });

  it('lets exactly one contender blocked behind a release win, and shows it to the rest', async () => {
    const token = randomUUID();
    const won = await acquire('releasing', token);
    if (!won.acquired) throw new Error('expected to win');
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `UPDATE ${store.names.qualifiedTable} SET state = 'released' WHERE key = 'releasing' AND token = $1`,
        [token],
      );
      const racing = Promise.all(Array.from({ length: 8 }, () => acquire('releasing')));
      await waitForBlocked(pool, schema, 8);
      await holder.query('COMMIT');
      const results = await racing;
      const next = winners(results);
      expect(next).toHaveLength(1);
      expect(next[0]?.fence).toBeGreaterThan(won.fence);
      for (const lost of results.filter((result) => !result.acquired)) {
        expect(lost).toMatchObject({
          acquired: false,
          record: { state: 'in_progress', fence: next[0]?.fence },
        });
      }
    } finally {
      holder.release();
    }
  });

  it('lets exactly one contender take over a lapsed lease', async () => {
    const first = await store.acquire({
      key: 'lapsed',
      fingerprint: 'fp',
      token: randomUUID(),
      leaseMs: 20,
      ttlMs: TTL,
    });
    if (!first.acquired) throw new Error('expected to win');
    await sleep(40);
    const results = await Promise.all(Array.from({ length: 16 }, () => acquire('lapsed')));
    const next = winners(results);
    expect(next).toHaveLength(1);
    expect(next[0]?.fence).toBeGreaterThan(first.fence);
  });
});

const worker = fileURLToPath(new URL('./fixtures/race-worker.mjs', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));

describe.skipIf(!postgres.available)('races across 4 processes', () => {
  let cleanup: () => Promise<void>;
  let schema: string;

  beforeAll(async () => {
    ({ cleanup, schema } = await setup());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('has exactly one winner per key', async () => {
    // The workers import the built package, as a user would (`pnpm build` runs before tests).
    expect(built, 'run `pnpm --filter @oncely/postgres build` first').toBe(true);
    const keys = 30;
    const workers = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, [worker], {
        env: { ...process.env, PG_URL, SCHEMA: schema, KEYS: String(keys), CONTENDERS: '4' },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      let out = '';
      const ready = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('ready\n')) resolve();
        });
      });
      const done = new Promise<string>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}`)),
        );
      });
      return { child, ready, done };
    });
    // Start them together, once every worker is connected and warmed up.
    await Promise.race([
      Promise.all(workers.map((entry) => entry.ready)),
      Promise.all(workers.map((entry) => entry.done)),
    ]);
    for (const { child } of workers) child.stdin.end('go\n');
    const outputs = workers.map((entry) => entry.done);
    const results = (await Promise.all(outputs)).flatMap((out) => {
      const line = out.split('\n').find((candidate) => candidate.startsWith('['));
      return JSON.parse(line ?? '[]') as { key: string; acquired: boolean; fence: number }[];
    });
    expect(results).toHaveLength(4 * 4 * keys);
    for (let k = 0; k < keys; k++) {
      const mine = results.filter((result) => result.key === `multi-${k}`);
      expect(
        mine.filter((result) => result.acquired),
        `multi-${k}`,
      ).toHaveLength(1);
      const fence = mine.find((result) => result.acquired)?.fence;
      // Every loser saw the winner's record.
      expect(new Set(mine.map((result) => result.fence))).toEqual(new Set([fence]));
    }
  });
});
