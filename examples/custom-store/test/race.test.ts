import { randomUUID } from 'node:crypto';
import type { AcquireResult } from '@oncely/core';
import type { Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MariaDbStore } from '../src/index.js';
import { createTestTable, dropTable, mariadb, openPool } from './database.js';

const KEYS = 50;
const CONTENDERS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// 2 000 five-statement transactions over 8 connections: alone they take about 10 s, on a busy
// machine with the shared MariaDB they took over 60 s. The bound only catches a hang.
const RACE = { timeout: 240_000 };

describe.skipIf(!mariadb.available)('MariaDbStore under concurrency', RACE, () => {
  // Two pools of 4 connections, as two application servers would have: 8 connections race.
  let pools: Pool[] = [];
  let stores: MariaDbStore[] = [];
  let table = '';

  beforeAll(async () => {
    pools = [openPool({ connectionLimit: 4 }), openPool({ connectionLimit: 4 })];
    table = await createTestTable(pools[0] as Pool);
    stores = pools.map((pool) => new MariaDbStore({ pool, table }));
  });

  afterAll(async () => {
    if (pools[0] && table) await dropTable(pools[0], table);
    await Promise.all(pools.map((pool) => pool.end()));
  });

  /** Every contender of every key at once, spread over both stores. */
  async function raceAll(keys: string[], fingerprint: (key: string) => string, leaseMs: number) {
    const attempts = keys.flatMap((key) =>
      Array.from({ length: CONTENDERS }, (_, i) => ({ key, store: stores[i % stores.length] })),
    );
    const results = await Promise.all(
      attempts.map(({ key, store }) =>
        (store as MariaDbStore).acquire({
          key,
          fingerprint: fingerprint(key),
          token: randomUUID(),
          leaseMs,
          ttlMs: 60_000,
        }),
      ),
    );
    const byKey = new Map<string, AcquireResult[]>();
    results.forEach((result, i) => {
      const { key } = attempts[i] as { key: string };
      byKey.set(key, [...(byKey.get(key) ?? []), result]);
    });
    return byKey;
  }

  it(`${KEYS} keys x ${CONTENDERS} concurrent acquires over 8 connections: exactly one winner per key`, async () => {
    const keys = Array.from({ length: KEYS }, (_, i) => `race:${randomUUID()}:${i}`);
    const byKey = await raceAll(keys, (key) => `fp-${key}`, 60_000);
    for (const [key, results] of byKey) {
      const winners = results.filter((r) => r.acquired);
      expect(winners, key).toHaveLength(1);
      const fence = (winners[0] as { fence: number }).fence;
      // Every loser was handed the winner's record in the same reply.
      for (const result of results) {
        if (result.acquired) continue;
        expect(result.record).toMatchObject({
          state: 'in_progress',
          fingerprint: `fp-${key}`,
          fence,
        });
      }
    }
  });

  it('after the lease lapses, 40 concurrent takeovers per key leave exactly one owner with a larger fence', async () => {
    const keys = Array.from({ length: KEYS }, (_, i) => `takeover:${randomUUID()}:${i}`);
    const first = new Map<string, number>();
    for (const key of keys) {
      const won = await (stores[0] as MariaDbStore).acquire({
        key,
        fingerprint: 'same',
        token: randomUUID(),
        leaseMs: 50,
        ttlMs: 60_000,
      });
      if (!won.acquired) throw new Error('a fresh key must be acquired');
      first.set(key, won.fence);
    }
    await sleep(150);
    const byKey = await raceAll(keys, () => 'same', 60_000);
    for (const [key, results] of byKey) {
      const winners = results.filter((r) => r.acquired);
      expect(winners, key).toHaveLength(1);
      expect((winners[0] as { fence: number }).fence).toBeGreaterThan(first.get(key) as number);
    }
  });
});
