import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  keysSharingARecord,
  loneSurrogateKeys,
  scopesAnsweredForAnother,
} from '@oncely/testing/lone-surrogate-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBStore } from '../src/index.js';
import { dropTable, localClient, probeDynamoDBLocal, uniqueTableName } from './helpers.js';

const probe = await probeDynamoDBLocal();

describe.skipIf(!probe.available)(
  'DynamoDBStore: keys that differ only in a lone surrogate',
  () => {
    const tableName = uniqueTableName('surrogates');
    let client: DynamoDBClient;
    let store: DynamoDBStore;

    beforeAll(async () => {
      client = localClient();
      store = new DynamoDBStore({ client, tableName });
      await store.createTable();
    });

    afterAll(async () => {
      await store.close();
      await dropTable(client, tableName);
      client.destroy();
    });

    // DynamoDB strings are UTF-8: without care, '\uD800' and '\uD801' are one item.
    it('are distinct records', async () => {
      expect(await keysSharingARecord(store, loneSurrogateKeys('k:'))).toEqual([]);
    });

    it('keep tenants apart through the engine, short and long scopes alike', async () => {
      expect(await scopesAnsweredForAnother(store)).toEqual([]);
    });
  },
);
