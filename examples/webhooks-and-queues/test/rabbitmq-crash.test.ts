import { probeRabbitMQ } from '@oncely/testing/brokers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashRun, printFigures } from './support/crash-run.js';
import { probePostgres } from './support/postgres-probe.js';
import { RabbitQueue } from './support/rabbitmq-broker.js';
import { ShipmentsDb } from './support/shipments-db.js';

const rabbit = await probeRabbitMQ();
const postgres = await probePostgres();

describe.skipIf(!rabbit.available || !postgres.available)(
  'RabbitMQ: consumers killed with SIGKILL while duplicates are published',
  () => {
    const db = new ShipmentsDb();
    let queue: RabbitQueue;

    beforeAll(async () => {
      await db.create();
      queue = await RabbitQueue.create(`oncely-crash-${db.schema}`);
    });

    afterAll(async () => {
      await queue?.remove();
      await db.drop();
    });

    it('every order is shipped exactly once, none is lost, the queue ends empty', async () => {
      const figures = await crashRun(queue, db, {
        messages: 200,
        leaseMs: 2_000,
        plannedPerPoint: 3,
        externalKills: 4,
      });
      printFigures(figures);
      expect(await db.repeated()).toEqual([]);
      expect(figures.effectsApplied).toBe(figures.messages);
      expect(figures.distinctEffects).toBe(figures.messages);
      expect(figures.leftOnBroker).toBe(0);
      expect(figures.deadLetters).toBe(0);
      // The run did what it claims: it crashed at each point and the broker redelivered.
      for (const point of ['before-write', 'after-commit', 'during-ack'] as const) {
        expect(figures.kills[point], point).toBeGreaterThan(0);
      }
      expect(figures.duplicatesPublished).toBeGreaterThan(0);
      expect(figures.redeliveries).toBeGreaterThan(0);
      expect(figures.acks.replayed).toBeGreaterThanOrEqual(figures.duplicatesPublished);
    });
  },
);
