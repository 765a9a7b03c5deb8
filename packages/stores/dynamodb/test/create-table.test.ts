import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '@oncely/core';
import { freePort } from '@oncely/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBStore } from '../src/index.js';
import { dropTable, localClient, probeDynamoDBLocal, uniqueTableName } from './helpers.js';

const probe = await probeDynamoDBLocal();

describe.skipIf(!probe.available)('createTable()', () => {
  let client: DynamoDBClient;
  const tables: string[] = [];
  const newTable = (label: string) => {
    const name = uniqueTableName(label);
    tables.push(name);
    return name;
  };

  beforeAll(() => {
    client = localClient();
  });

  afterAll(async () => {
    for (const table of tables) await dropTable(client, table);
    client.destroy();
  });

  it('creates an ACTIVE on-demand table keyed by a string partition key, with TTL on', async () => {
    const tableName = newTable('create');
    await new DynamoDBStore({ client, tableName }).createTable();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    expect(TimeToLiveDescription).toMatchObject({
      AttributeName: 'ttl',
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('is idempotent: again, and from several stores at once', async () => {
    const tableName = newTable('again');
    const stores = Array.from({ length: 3 }, () => new DynamoDBStore({ client, tableName }));
    await Promise.all(stores.map((store) => store.createTable()));
    await stores[0]?.createTable();
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    expect(TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
  });

  it('turns TTL on for an existing table that has it off', async () => {
    const tableName = newTable('ttl-off');
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await new DynamoDBStore({ client, tableName }).createTable();
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    expect(TimeToLiveDescription).toMatchObject({
      AttributeName: 'ttl',
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('refuses an existing table whose key does not match keyAttribute', async () => {
    const tableName = newTable('other-key');
    await new DynamoDBStore({ client, tableName, keyAttribute: 'id' }).createTable();
    await expect(new DynamoDBStore({ client, tableName }).createTable()).rejects.toThrow(
      /keyAttribute/,
    );
  });

  it('refuses an existing table whose TTL is on another attribute', async () => {
    const tableName = newTable('other-ttl');
    await new DynamoDBStore({ client, tableName }).createTable();
    await expect(
      new DynamoDBStore({ client, tableName, ttlAttribute: 'expires' }).createTable(),
    ).rejects.toThrow(/ttlAttribute/);
  });

  it('validates its timeout', async () => {
    const store = new DynamoDBStore({ client, tableName: newTable('timeout') });
    await expect(store.createTable({ timeoutMs: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('surfaces errors other than "the table exists" (here: nothing listens)', async () => {
    const unreachable = localClient({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      maxAttempts: 1,
    });
    const store = new DynamoDBStore({ client: unreachable, tableName: newTable('unreachable') });
    await expect(store.createTable()).rejects.toThrow(/ECONNREFUSED/);
    unreachable.destroy();
  });
});
