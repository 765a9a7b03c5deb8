import { probeService } from '@oncely/testing';
import {
  keysSharingARecord,
  loneSurrogateKeys,
  scopesAnsweredForAnother,
} from '@oncely/testing/lone-surrogate-keys';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/index.js';
import { pingSharedRedis, removeKeys, sharedClient, testPrefix } from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

describe.skipIf(!redis.available)('RedisStore: keys that differ only in a lone surrogate', () => {
  const prefix = testPrefix('surrogates');
  let client: Redis;
  let store: RedisStore;

  beforeAll(() => {
    client = sharedClient();
    store = new RedisStore({ client, prefix });
  });

  afterAll(async () => {
    await store.close();
    await removeKeys(client, prefix);
    client.disconnect();
  });

  it('are distinct records', async () => {
    expect(await keysSharingARecord(store, loneSurrogateKeys('k:'))).toEqual([]);
  });

  it('keep tenants apart through the engine, short and long scopes alike', async () => {
    expect(await scopesAnsweredForAnother(store)).toEqual([]);
  });
});
