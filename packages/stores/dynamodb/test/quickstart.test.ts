import { randomUUID } from 'node:crypto';
import { LOCAL_CLIENT_CONFIG } from '@oncely/testing/dynamodb-local';
import { afterAll, describe, expect, it } from 'vitest';
import { charge, createClient, createPayments } from '../examples/quickstart.js';
import { dropTable, localEndpoint, probeDynamoDBLocal, uniqueTableName } from './helpers.js';

const probe = await probeDynamoDBLocal();

describe.skipIf(!probe.available)('the README example (examples/quickstart.ts)', () => {
  const tableName = uniqueTableName('quickstart');
  const client = createClient({ ...LOCAL_CLIENT_CONFIG, endpoint: localEndpoint() });

  afterAll(async () => {
    await dropTable(client, tableName);
    client.destroy();
  });

  it('charges once and replays the charge to a retry', async () => {
    const payments = await createPayments(client, tableName);
    const key = randomUUID();
    const first = await charge(payments, key, { amount: 500 });
    const retry = await charge(payments, key, { amount: 500 });
    expect(first).toEqual({
      status: 'executed',
      value: { id: 'ch_1', amount: 500 },
      fence: 1,
      stored: true,
    });
    expect(retry).toEqual({ status: 'replayed', value: { id: 'ch_1', amount: 500 }, fence: 1 });
    // Booting again finds the table and leaves it as it is.
    await expect(createPayments(client, tableName)).resolves.toBeDefined();
  });
});
