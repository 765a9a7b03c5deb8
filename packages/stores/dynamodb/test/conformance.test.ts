import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runStoreConformance } from '@oncely/conformance';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { DynamoDBStore, GUARANTEED_RESULT_BYTES } from '../src/index.js';
import { dropTable, localClient, probeDynamoDBLocal, uniqueTableName } from './helpers.js';

const probe = await probeDynamoDBLocal();

describe.skipIf(!probe.available)('DynamoDBStore conformance', () => {
  const tableName = uniqueTableName('conformance');
  let setupClient: DynamoDBClient;

  beforeAll(async () => {
    setupClient = localClient();
    await new DynamoDBStore({ client: setupClient, tableName }).createTable();
  });

  afterAll(async () => {
    await dropTable(setupClient, tableName);
    setupClient.destroy();
  });

  // Each instance gets its own client (its own connections), as separate processes would.
  // The store never closes a client it was given, so destroyStore does.
  const clients = new WeakMap<DynamoDBStore, DynamoDBClient>();

  runStoreConformance({
    test,
    name: 'DynamoDBStore on DynamoDB Local',
    createStore: () => {
      const client = localClient();
      // The suite checks that a result of exactly maxResultBytes is stored, with bytes that do
      // not compress; GUARANTEED_RESULT_BYTES is the size every result fits in whatever its
      // content. The default (10 MiB, counting on compression) is tested in engine.test.ts.
      const store = new DynamoDBStore({
        client,
        tableName,
        maxResultBytes: GUARANTEED_RESULT_BYTES,
      });
      clients.set(store, client);
      return store;
    },
    destroyStore: async (store) => {
      await store.close();
      clients.get(store as DynamoDBStore)?.destroy();
    },
    timing: { unitMs: 200 },
  });
});
