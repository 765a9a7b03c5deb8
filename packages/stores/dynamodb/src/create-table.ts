import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '@oncely/core';
import type { AttributeNames } from './attributes.js';

export interface CreateTableOptions {
  /** Give up waiting for the table to become ACTIVE after this many ms. Default 120000. */
  timeoutMs?: number | undefined;
}

/**
 * The table the store needs: a string partition key, on-demand billing, and TTL on the TTL
 * attribute. Idempotent: an existing table is checked (key schema, TTL attribute) instead of
 * created, so it is safe on every boot and from several processes at once.
 */
export async function createTable(
  client: DynamoDBClient,
  tableName: string,
  attributes: AttributeNames,
  options: CreateTableOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (typeof timeoutMs !== 'number' || !Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new InvalidArgumentError('timeoutMs', 'expected a positive whole number of milliseconds');
  }
  const deadline = Date.now() + timeoutMs;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: attributes.key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: attributes.key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    // The table exists already (or is being created by another process): check it below.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  const table = await waitUntilActive(client, tableName, deadline);
  checkKeySchema(table, tableName, attributes.key);
  await enableTimeToLive(client, tableName, attributes.ttl);
}

async function waitUntilActive(
  client: DynamoDBClient,
  tableName: string,
  deadline: number,
): Promise<TableDescription> {
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return Table;
    if (Date.now() + pause > deadline) {
      throw new Error(
        `oncely: table "${tableName}" is ${Table?.TableStatus ?? 'missing'}, not ACTIVE, after waiting`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

function checkKeySchema(table: TableDescription, tableName: string, keyAttribute: string): void {
  const keys = table.KeySchema ?? [];
  const type = table.AttributeDefinitions?.find(
    (definition) => definition.AttributeName === keyAttribute,
  );
  const [hash] = keys;
  if (
    keys.length !== 1 ||
    hash?.AttributeName !== keyAttribute ||
    hash.KeyType !== 'HASH' ||
    type?.AttributeType !== 'S'
  ) {
    throw new Error(
      `oncely: table "${tableName}" exists but its key is not a single string partition key "${keyAttribute}"; ` +
        'set keyAttribute to match it or use another table',
    );
  }
}

async function enableTimeToLive(
  client: DynamoDBClient,
  tableName: string,
  ttlAttribute: string,
): Promise<void> {
  if (await timeToLiveIsOn(client, tableName, ttlAttribute)) return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    // Another process may have enabled it between our look and our update.
    if (!(await timeToLiveIsOn(client, tableName, ttlAttribute))) throw error;
  }
}

/** True when TTL is on (or turning on) for `ttlAttribute`; throws when it is on for another. */
async function timeToLiveIsOn(
  client: DynamoDBClient,
  tableName: string,
  ttlAttribute: string,
): Promise<boolean> {
  const { TimeToLiveDescription: ttl } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  const status = ttl?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') return false;
  if (ttl?.AttributeName === ttlAttribute) return true;
  throw new Error(
    `oncely: table "${tableName}" has TTL on attribute "${ttl?.AttributeName}", not "${ttlAttribute}"; ` +
      'set ttlAttribute to match it (a table has one TTL attribute)',
  );
}
