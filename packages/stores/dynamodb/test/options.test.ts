import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError, validateStore } from '@oncely/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDBStore, type DynamoDBStoreOptions } from '../src/index.js';

describe('DynamoDBStore options', () => {
  // Never sends a request: construction only validates.
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' });
  afterAll(() => client.destroy());

  function refusal(options: unknown): InvalidArgumentError | undefined {
    try {
      new DynamoDBStore(options as DynamoDBStoreOptions);
    } catch (error) {
      if (error instanceof InvalidArgumentError) return error;
      throw error;
    }
    return undefined;
  }

  it('declares a caller clock, shared records and a 10 MiB uncompressed result ceiling', () => {
    const store = new DynamoDBStore({ client });
    expect(store.capabilities).toEqual({
      maxResultBytes: 10 * 1024 * 1024,
      clock: 'caller',
      sharedAcrossInstances: true,
    });
    expect(validateStore(store)).toBe(store);
  });

  it.each([
    [undefined, 'options'],
    [{}, 'client'],
    [{ client: {} }, 'client'],
    [{ client, tableName: 'ab' }, 'tableName'],
    [{ client, tableName: 'has space' }, 'tableName'],
    [{ client, keyAttribute: '' }, 'keyAttribute'],
    [{ client, keyAttribute: 'x'.repeat(256) }, 'keyAttribute'],
    [{ client, keyAttribute: 'fence' }, 'keyAttribute'],
    [{ client, ttlAttribute: 'expiresAtMs' }, 'ttlAttribute'],
    [{ client, keyAttribute: 'id', ttlAttribute: 'id' }, 'ttlAttribute'],
    [{ client, compressAboveBytes: -1 }, 'compressAboveBytes'],
    [{ client, compressAboveBytes: 1.5 }, 'compressAboveBytes'],
    [{ client, maxResultBytes: 0 }, 'maxResultBytes'],
    [{ client, maxResultBytes: '1mb' }, 'maxResultBytes'],
  ])('refuses %j, naming %s', (options, field) => {
    expect(refusal(options)?.field).toBe(field);
  });

  it('accepts its documented settings', () => {
    expect(
      refusal({
        client,
        tableName: 'my-app.idempotency_v2',
        keyAttribute: 'id',
        ttlAttribute: 'expires_at',
        compressAboveBytes: 0,
        maxResultBytes: 1,
      }),
    ).toBeUndefined();
  });
});
