import { randomUUID } from 'node:crypto';
import { FingerprintMismatchError, namespacedKey } from '@oncely/core';
import { probeService } from '@oncely/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayments } from '../examples/payments.js';
import { RedisStore } from '../src/index.js';
import { pingSharedRedis, sharedClient } from './support/redis.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingSharedRedis);

describe.skipIf(!redis.available)('the README example (examples/payments.ts)', () => {
  let client: Redis;
  const key = `order-${randomUUID()}`;

  beforeAll(() => {
    client = sharedClient();
  });

  afterAll(async () => {
    // The example uses the default prefixes; remove the one record it wrote.
    await new RedisStore({ client }).delete(namespacedKey('oncely:', '', key));
    client.disconnect();
  });

  it('charges once and replays the result to a retry', async () => {
    const payments = createPayments(client);
    const first = await payments.charge(key, 4200);
    const retry = await payments.charge(key, 4200);
    expect(first).toEqual({ status: 'executed', value: { chargeId: 'ch_1', amount: 4200 }, fence: 1, stored: true });
    expect(retry).toEqual({ status: 'replayed', value: { chargeId: 'ch_1', amount: 4200 }, fence: 1 });
    await expect(payments.charge(key, 9900)).rejects.toBeInstanceOf(FingerprintMismatchError);
    expect(payments.charges).toBe(1);
  });
});
