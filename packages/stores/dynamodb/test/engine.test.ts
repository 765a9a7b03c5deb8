import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIdempotency, type OncelyEvent, ResultTooLargeError } from '@oncely/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTE, DynamoDBStore } from '../src/index.js';
import {
  countRequests,
  dropTable,
  localClient,
  probeDynamoDBLocal,
  type RequestLog,
  rawItem,
  uniqueTableName,
} from './helpers.js';

const probe = await probeDynamoDBLocal();

const MB = 1024 * 1024;

/** 1 MiB that compresses well, like a large JSON listing. */
function compressibleMegabyte(): Uint8Array {
  const lines: string[] = [];
  let size = 0;
  for (let line = 0; size < MB; line++) {
    const text = `{"id":"txn_${line.toString(36)}","amount":${(line * 7919) % 100_000},"status":"settled"}\n`;
    lines.push(text);
    size += text.length;
  }
  return new TextEncoder().encode(lines.join('').slice(0, MB));
}

describe.skipIf(!probe.available)('DynamoDBStore under the engine', () => {
  const tableName = uniqueTableName('engine');
  let client: DynamoDBClient;
  let log: RequestLog;
  let store: DynamoDBStore;

  beforeAll(async () => {
    client = localClient();
    store = new DynamoDBStore({ client, tableName });
    await store.createTable();
    log = countRequests(client);
  });

  afterAll(async () => {
    await dropTable(client, tableName);
    client.destroy();
  });

  it('executes with two requests (acquire, complete) and replays with one', async () => {
    const idempotency = createIdempotency({ store, prefix: `${randomUUID()}:` });
    let runs = 0;
    log.reset();
    const first = await idempotency.run(
      { key: 'order-1', request: { amount: 42 } },
      ({ fence }) => {
        runs += 1;
        return { charged: 42, fence };
      },
    );
    expect(first).toEqual({
      status: 'executed',
      value: { charged: 42, fence: 1 },
      fence: 1,
      stored: true,
    });
    expect(log.commands).toEqual(['UpdateItem', 'UpdateItem']);
    expect(log.attempts).toBe(2);

    log.reset();
    const replay = await idempotency.run({ key: 'order-1', request: { amount: 42 } }, () => {
      runs += 1;
      return { charged: 0, fence: 0 };
    });
    expect(replay).toEqual({ status: 'replayed', value: { charged: 42, fence: 1 }, fence: 1 });
    expect(log.commands).toEqual(['UpdateItem']);
    expect(log.attempts).toBe(1);
    expect(runs).toBe(1);
  });

  it('round-trips a 1 MiB compressible result byte for byte, stored compressed in one item', async () => {
    const idempotency = createIdempotency({ store, prefix: `${randomUUID()}:` });
    const result = compressibleMegabyte();
    const first = await idempotency.run({ key: 'big' }, () => result);
    expect(first.status).toBe('executed');
    const replay = await idempotency.run({ key: 'big' }, () => new Uint8Array());
    expect(replay.status).toBe('replayed');
    expect(replay.value).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(replay.value).equals(Buffer.from(result))).toBe(true);

    const item = await rawItem(client, tableName, `${idempotency.settings.prefix}0::big`);
    expect(item?.[ATTRIBUTE.resultEncoding]?.S).toBe('br');
    expect(item?.[ATTRIBUTE.result]?.B?.byteLength).toBeLessThan(400 * 1024);
  });

  it('refuses a 1 MiB random result: ResultTooLargeError, key released, nothing stored, the next attempt runs again', async () => {
    const events: OncelyEvent[] = [];
    const idempotency = createIdempotency({
      store,
      prefix: `${randomUUID()}:`,
      onEvent: (event) => events.push(event),
    });
    const storeKey = `${idempotency.settings.prefix}0::random`;
    let runs = 0;
    const handler = () => {
      runs += 1;
      return new Uint8Array(randomBytes(MB));
    };

    const first = await idempotency
      .run({ key: 'random' }, handler)
      .catch((error: unknown) => error);
    expect(first).toBeInstanceOf(ResultTooLargeError);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'released', reason: 'too-large', fence: 1 }),
    );
    expect(await store.get(storeKey)).toBeUndefined();
    const item = await rawItem(client, tableName, storeKey);
    expect(item?.[ATTRIBUTE.state]?.S).toBe('released');
    expect(item?.[ATTRIBUTE.result]).toBeUndefined();

    // The retry is not refused as a conflict: it runs (and is refused again, the same way).
    const second = await idempotency
      .run({ key: 'random' }, handler)
      .catch((error: unknown) => error);
    expect(second).toBeInstanceOf(ResultTooLargeError);
    expect(runs).toBe(2);

    // A retry whose result fits is stored and replayed as usual, under a larger fence.
    const third = await idempotency.run({ key: 'random' }, () => new Uint8Array([1, 2, 3]));
    expect(third).toMatchObject({ status: 'executed', fence: 3, stored: true });
  });
});
