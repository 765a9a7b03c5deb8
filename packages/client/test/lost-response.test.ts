import type { Store } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { FaultProxy } from '@oncely/testing/fault-proxy';
import { afterAll, describe, expect, it } from 'vitest';
import { type AttemptEvent, createClient } from '../src/index.js';
import { fast } from './support/fast.js';
import { redisProbe, redisStores } from './support/redis.js';
import { Ledger, startExpress, startFastify, type TestServer } from './support/servers.js';

type Start = (store: Store, ledger: Ledger) => Promise<TestServer>;

function lostResponse(name: string, start: Start, store: () => Store) {
  it(`${name}: the response is lost after the handler ran; the retry gets it back as a replay`, async () => {
    const ledger = new Ledger();
    const server = await start(store(), ledger);
    // The first response the server sends never reaches the client: its connection is reset.
    const proxy = await FaultProxy.start(server.port, {
      response: (n) => (n === 0 ? 'lose' : 'pass'),
    });
    const events: AttemptEvent[] = [];
    const client = createClient({ ...fast, onAttempt: (event) => events.push(event) });
    try {
      const response = await client.fetch(`${proxy.url}/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ op: 'lost', amount: 4200 }),
      });
      expect(proxy.lost).toEqual([0]);
      expect(response.status).toBe(201);
      expect(response.idempotency).toMatchObject({ attempts: 2, replayed: true });
      // The original answer, made by the one execution.
      expect(await response.json()).toEqual(ledger.first.get('lost'));
      expect(ledger.runs.get('lost')).toBe(1);
      // Both requests carried the same key, the one the response reports.
      const key = response.idempotency.key as string;
      expect(ledger.keys).toEqual([`"${key}"`, `"${key}"`]);
      expect(events.map((e) => [e.attempt, e.status, e.replayed])).toEqual([
        [1, undefined, false],
        [2, 201, true],
      ]);
      expect(events[0]?.error).toBeInstanceOf(Error);
    } finally {
      await proxy.close();
      await server.close();
    }
  });
}

describe('a lost response', () => {
  lostResponse('fastify + memory', startFastify, () => new MemoryStore());
  lostResponse('express + memory', startExpress, () => new MemoryStore());
});

describe.skipIf(!redisProbe.available)('a lost response on Redis', () => {
  const redis = redisStores();
  afterAll(() => redis.cleanup());
  lostResponse('fastify + redis', startFastify, () => redis.store());
  lostResponse('express + redis', startExpress, () => redis.store());
});
