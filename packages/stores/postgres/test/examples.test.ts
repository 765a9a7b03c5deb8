import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicExample } from '../examples/basic.js';
import { postgres, setup } from './helpers.js';

describe.skipIf(!postgres.available)('the README examples', () => {
  let pool: pg.Pool;
  let schema: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ pool, schema, cleanup } = await setup());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('basic: runs once, then replays', async () => {
    const { first, retry } = await basicExample(pool, schema);
    expect(first).toMatchObject({ status: 'executed', stored: true, value: { charged: 1999 } });
    expect(retry).toEqual({ status: 'replayed', value: first.value, fence: first.fence });
  });
});
