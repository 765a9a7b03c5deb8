import type { Store } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { FaultProxy } from '@oncely/testing/fault-proxy';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type IdempotentResponse } from '../src/index.js';
import { scaledSleep } from './support/fast.js';
import { redisProbe, redisStores } from './support/redis.js';
import { type Charge, Ledger, startExpress, startFastify } from './support/servers.js';

/** mulberry32: a seeded generator, so a failing storm can be replayed with its seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATIONS = 60;
const CALLERS_PER_OPERATION = 3;
const CLIENTS = 6;

function storm(name: string, store: () => Store) {
  it(`${name}: many clients, many operations, random drops: one execution each, the first answer everywhere`, async () => {
    const seed = Number(process.env.STORM_SEED ?? Date.now() % 100_000);
    const random = seeded(seed);
    const ledger = new Ledger();
    // Handlers take a few ms, so callers of one operation overlap and meet 409s.
    ledger.pause = () => new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 5)));
    // Two servers (Fastify and Express) on one store: one service behind two doors.
    const shared = store();
    const servers = [await startFastify(shared, ledger), await startExpress(shared, ledger)];
    const proxies = await Promise.all(
      servers.map((server) =>
        FaultProxy.start(server.port, {
          response: () => (random() < 0.2 ? 'lose' : 'pass'),
          connection: () => (random() < 0.1 ? 'reset' : 'pass'),
        }),
      ),
    );
    const clients = Array.from({ length: CLIENTS }, (_, i) =>
      createClient({
        maxAttempts: 100,
        deadlineMs: 60_000,
        attemptTimeoutMs: 10_000,
        sleep: scaledSleep,
        random: seeded(seed + i + 1),
      }),
    );
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    try {
      const run = `${seed}-${Date.now()}`;
      const calls: Promise<{ op: string; response: IdempotentResponse; body: Charge }>[] = [];
      for (let i = 0; i < OPERATIONS; i++) {
        const op = `op-${i}`;
        for (let c = 0; c < CALLERS_PER_OPERATION; c++) {
          const proxy = pick(proxies);
          calls.push(
            pick(clients)
              .fetch(`${proxy.url}/charges`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ op, amount: i }),
                // The callers of one operation say it is one: they share its key.
                idempotencyKey: `storm-${run}-${i}`,
              })
              .then(async (response) => ({
                op,
                response,
                body: (await response.json()) as Charge,
              })),
          );
        }
      }
      const results = await Promise.all(calls);

      const faults = proxies.reduce((n, p) => n + p.lost.length + p.resets, 0);
      expect(faults, `seed ${seed}: the proxies injected faults`).toBeGreaterThan(0);
      for (let i = 0; i < OPERATIONS; i++) {
        expect(ledger.runs.get(`op-${i}`), `seed ${seed}: op-${i} ran once`).toBe(1);
      }
      for (const { op, response, body } of results) {
        expect(response.status).toBe(201);
        expect(body, `seed ${seed}: ${op} got the first answer`).toEqual(ledger.first.get(op));
      }
      expect(ledger.executions).toBe(OPERATIONS);
      expect(results.some((r) => r.response.idempotency.replayed)).toBe(true);
      expect(results.some((r) => r.response.idempotency.attempts > 1)).toBe(true);
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
      await Promise.all(servers.map((s) => s.close()));
    }
  });
}

describe('a storm', () => {
  storm('memory store', () => new MemoryStore());
});

describe.skipIf(!redisProbe.available)('a storm on Redis', () => {
  const redis = redisStores();
  afterAll(() => redis.cleanup());
  storm('redis store', () => redis.store());
});
