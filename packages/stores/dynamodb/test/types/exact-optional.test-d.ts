// Compiled by `pnpm typecheck` with exactOptionalPropertyTypes (tsconfig.exact-optional.json),
// never run: an optional option given as a value that may be `undefined` means "not given".
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '../../src/index.js';

declare const client: DynamoDBClient;
declare const maybe: <T>() => T | undefined;

const store = new DynamoDBStore({
  client,
  tableName: maybe<string>(),
  keyAttribute: maybe<string>(),
  ttlAttribute: maybe<string>(),
  compressAboveBytes: maybe<number>(),
  maxResultBytes: maybe<number>(),
});
await store.createTable({ timeoutMs: maybe<number>() });
