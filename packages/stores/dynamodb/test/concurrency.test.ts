import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBStore } from '../src/index.js';
import {
  countRequests,
  dropTable,
  localClient,
  probeDynamoDBLocal,
  type RequestLog,
  uniqueTableName,
} from './helpers.js';

const probe = await probeDynamoDBLocal();

const CLIENTS = 4;
const CONTENDERS = 50;

describe.skipIf(!probe.available)('acquire races across clients', () => {
  const tableName = uniqueTableName('race');
  const clients: DynamoDBClient[] = [];
  const logs: RequestLog[] = [];
  const stores: DynamoDBStore[] = [];

  beforeAll(async () => {
    for (let index = 0; index < CLIENTS; index++) {
      // Separate clients: separate connection pools, as separate processes would have.
      const client = localClient({ maxAttempts: 1 });
      clients.push(client);
      logs.push(countRequests(client));
      stores.push(new DynamoDBStore({ client, tableName }));
    }
    await stores[0]?.createTable();
  });

  afterAll(async () => {
    const [first] = clients;
    if (first) await dropTable(first, tableName);
    for (const client of clients) client.destroy();
  });

  it(`lets exactly one of ${CONTENDERS} concurrent acquires from ${CLIENTS} clients win; every loser gets the record from its one request`, async () => {
    for (const log of logs) log.reset();
    const key = `race-${randomUUID()}`;
    const attempts = Array.from({ length: CONTENDERS }, (_, index) => {
      const store = stores[index % CLIENTS] as DynamoDBStore;
      return store.acquire({
        key,
        fingerprint: 'fp',
        token: randomUUID(),
        leaseMs: 30_000,
        ttlMs: 60_000,
      });
    });
    const results = await Promise.all(attempts);

    const winners = results.filter((result) => result.acquired);
    expect(winners).toEqual([{ acquired: true, fence: 1 }]);
    const losers = results.filter((result) => !result.acquired);
    expect(losers).toHaveLength(CONTENDERS - 1);
    for (const loser of losers) {
      expect(loser.record).toMatchObject({ state: 'in_progress', fingerprint: 'fp', fence: 1 });
    }

    // One UpdateItem per acquire, no GetItem, no retries: the loser's record came with its
    // failed condition.
    const commands = logs.flatMap((log) => log.commands);
    expect(commands).toHaveLength(CONTENDERS);
    expect(new Set(commands)).toEqual(new Set(['UpdateItem']));
    expect(logs.reduce((sum, log) => sum + log.attempts, 0)).toBe(CONTENDERS);
    // Every client took part.
    for (const log of logs)
      expect(log.commands.length).toBeGreaterThanOrEqual(Math.floor(CONTENDERS / CLIENTS));
  });

  it('lets exactly one of many concurrent takeovers of a lapsed lease win, with a larger fence', async () => {
    const key = `takeover-${randomUUID()}`;
    const first = await stores[0]?.acquire({
      key,
      fingerprint: 'fp',
      token: randomUUID(),
      leaseMs: 50,
      ttlMs: 60_000,
    });
    expect(first).toEqual({ acquired: true, fence: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const results = await Promise.all(
      Array.from({ length: CONTENDERS }, (_, index) =>
        (stores[index % CLIENTS] as DynamoDBStore).acquire({
          key,
          fingerprint: 'fp',
          token: randomUUID(),
          leaseMs: 30_000,
          ttlMs: 60_000,
        }),
      ),
    );
    expect(results.filter((result) => result.acquired)).toEqual([{ acquired: true, fence: 2 }]);
  });
});
