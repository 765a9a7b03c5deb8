import {
  keysSharingARecord,
  loneSurrogateKeys,
  scopesAnsweredForAnother,
} from '@oncely/testing/lone-surrogate-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../src/index.js';
import { postgres, setup } from './helpers.js';

describe.skipIf(!postgres.available)(
  'PostgresStore: keys that differ only in a lone surrogate',
  () => {
    let store: PostgresStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await setup());
    });

    afterAll(async () => {
      await store.close();
      await cleanup();
    });

    it('are distinct records', async () => {
      expect(await keysSharingARecord(store, loneSurrogateKeys('k:'))).toEqual([]);
    });

    it('keep tenants apart through the engine, short and long scopes alike', async () => {
      expect(await scopesAnsweredForAnother(store)).toEqual([]);
    });
  },
);
