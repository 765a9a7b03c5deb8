import {
  keysSharingARecord,
  loneSurrogateKeys,
  scopesAnsweredForAnother,
} from '@oncely/testing/lone-surrogate-keys';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';

describe('MemoryStore: keys that differ only in a lone surrogate', () => {
  it('are distinct records', async () => {
    const store = new MemoryStore();
    expect(await keysSharingARecord(store, loneSurrogateKeys('k:'))).toEqual([]);
  });

  it('keep tenants apart through the engine, short and long scopes alike', async () => {
    expect(await scopesAnsweredForAnother(new MemoryStore())).toEqual([]);
  });
});
