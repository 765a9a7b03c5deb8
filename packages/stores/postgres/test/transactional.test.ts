import {
  createIdempotency,
  type Idempotency,
  InvalidArgumentError,
  OwnershipLostError,
  StoreUnavailableError,
} from '@oncely/core';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPayments } from '../examples/transactional.js';
import {
  type PgPool,
  type PgPoolClient,
  type PostgresStore,
  runTransactional,
} from '../src/index.js';
import { postgres, setup, sleep } from './helpers.js';

describe.skipIf(!postgres.available)('runTransactional', () => {
  let pool: pg.Pool;
  let store: PostgresStore;
  let schema: string;
  let cleanup: () => Promise<void>;
  let idempotency: Idempotency;
  let ledger: string;

  beforeAll(async () => {
    ({ pool, store, schema, cleanup } = await setup({}, { max: 8 }));
    idempotency = createIdempotency({ store, heartbeat: false });
    ledger = `"${schema}".ledger`;
    await pool.query(`CREATE TABLE ${ledger} (id text PRIMARY KEY, note text)`);
  });
  beforeEach(async () => {
    await pool.query(`TRUNCATE ${ledger}`);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  const ledgerIds = async () =>
    (await pool.query<{ id: string }>(`SELECT id FROM ${ledger} ORDER BY id`)).rows.map(
      (row) => row.id,
    );
  const write = (tx: PgPoolClient, id: string) =>
    tx.query(`INSERT INTO ${ledger} (id) VALUES ($1)`, [id]);

  it('commits the business write and the completion together (the README example)', async () => {
    const payments = createPayments(pool, schema);
    await payments.migrate();
    const first = await payments.charge('pay-1', 'acct-7', 1999);
    const retry = await payments.charge('pay-1', 'acct-7', 1999);
    expect(first).toMatchObject({ status: 'executed', stored: true, value: { amountCents: 1999 } });
    expect(retry).toEqual({ status: 'replayed', value: first.value, fence: first.fence });
    const { rows } = await pool.query(`SELECT account, amount_cents FROM "${schema}".payments`);
    expect(rows).toEqual([{ account: 'acct-7', amount_cents: 1999 }]);
    await expect(payments.charge('pay-1', 'acct-7', 2500)).rejects.toThrow(/different request/);
  });

  it('shows neither the write nor the completion to anyone until COMMIT, then both', async () => {
    const seenBeforeCommit: unknown[] = [];
    // A pool whose clients look around just before they commit.
    const watching: PgPool = {
      query: (text, values) => pool.query(text, values),
      connect: async () => {
        const client = await pool.connect();
        return {
          release: (error) => client.release(error),
          query: async (text, values) => {
            if (text === 'COMMIT') {
              seenBeforeCommit.push(await ledgerIds(), await store.get('oncely:0::together'));
            }
            return client.query(text, values);
          },
        } as PgPoolClient;
      },
    };
    const outcome = await runTransactional(
      idempotency,
      { key: 'together', pool: watching },
      async (tx) => {
        await write(tx, 'together');
        return 'ok';
      },
    );
    expect(outcome).toMatchObject({ status: 'executed', stored: true });
    expect(seenBeforeCommit).toEqual([[], expect.objectContaining({ state: 'in_progress' })]);
    expect(await ledgerIds()).toEqual(['together']);
    expect(await store.get('oncely:0::together')).toMatchObject({
      state: 'completed',
      fence: outcome.fence,
    });
  });

  it('rolls the write back and frees the key when the handler throws after writing', async () => {
    const boom = new Error('card declined by a flaky network');
    await expect(
      runTransactional(idempotency, { key: 'throws' }, async (tx) => {
        await write(tx, 'first-try');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await ledgerIds()).toEqual([]);
    expect(await store.get('oncely:0::throws')).toBeUndefined();

    const retry = await runTransactional(idempotency, { key: 'throws' }, async (tx) => {
      await write(tx, 'second-try');
      return 'ok';
    });
    expect(retry).toMatchObject({ status: 'executed', stored: true });
    expect(await ledgerIds()).toEqual(['second-try']);
  });

  it('rolls back when another attempt took the key over before the commit', async () => {
    const shortLease = createIdempotency({ store, heartbeat: false, lease: '100ms' });
    let takeover: Awaited<ReturnType<typeof runTransactional<string>>> | undefined;
    const error = await runTransactional(shortLease, { key: 'stolen' }, async (tx, { fence }) => {
      await write(tx, `attempt-${fence}`);
      await sleep(150);
      // The lease lapsed; a retry of the same request takes the key over and finishes first.
      takeover = await runTransactional(shortLease, { key: 'stolen' }, async (other, context) => {
        await write(other, `attempt-${context.fence}`);
        return 'second';
      });
      return 'first';
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OwnershipLostError);
    expect((error as OwnershipLostError).result).toBe('first');
    expect(takeover).toMatchObject({ status: 'executed', stored: true });
    expect(await ledgerIds()).toEqual([`attempt-${takeover?.fence}`]);
    const replay = await runTransactional(shortLease, { key: 'stolen' }, async () => 'third');
    expect(replay).toMatchObject({ status: 'replayed', value: 'second' });
  });

  it('rolls back and frees the key when shouldStore declines the result', async () => {
    const outcome = await runTransactional(
      idempotency,
      { key: 'declined', shouldStore: (value: number) => value < 500 },
      async (tx) => {
        await write(tx, 'declined');
        return 503;
      },
    );
    expect(outcome).toMatchObject({ status: 'executed', stored: false, value: 503 });
    expect(await ledgerIds()).toEqual([]);
    expect(await store.get('oncely:0::declined')).toBeUndefined();
  });

  it('frees the key when the server refuses the COMMIT (a deferred constraint)', async () => {
    const strict = `"${schema}".strict`;
    await pool.query(
      `CREATE TABLE ${strict} (id int, CONSTRAINT once UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)`,
    );
    const error = await runTransactional(idempotency, { key: 'deferred' }, async (tx) => {
      await write(tx, 'deferred');
      await tx.query(`INSERT INTO ${strict} (id) VALUES (1), (1)`);
      return 'ok';
    }).catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('23505');
    expect(await ledgerIds()).toEqual([]);
    expect(await store.get('oncely:0::deferred')).toBeUndefined();
  });

  it('frees the key when the handler left the transaction aborted', async () => {
    const error = await runTransactional(idempotency, { key: 'aborted' }, async (tx) => {
      await write(tx, 'aborted');
      await tx.query('SELECT 1/0').catch(() => {});
      return 'ok';
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(String((error as Error).message)).toMatch(/aborted/);
    expect(await ledgerIds()).toEqual([]);
    expect(await store.get('oncely:0::aborted')).toBeUndefined();
  });

  it('returns every connection it took to the pool', async () => {
    const before = pool.totalCount - pool.idleCount;
    await runTransactional(idempotency, { key: 'pool-a' }, async () => 1);
    await runTransactional(idempotency, { key: 'pool-b' }, async () => {
      throw new Error('x');
    }).catch(() => {});
    expect(pool.totalCount - pool.idleCount).toBe(before);
  });

  it('refuses an engine whose store cannot complete in a transaction, and bad options', async () => {
    const memoryLike = createIdempotency({
      store: {
        capabilities: { maxResultBytes: 1, clock: 'caller', sharedAcrossInstances: false },
        acquire: async () => ({ acquired: true, fence: 1 }),
        complete: async () => true,
        release: async () => true,
        extend: async () => true,
        get: async () => undefined,
        delete: async () => {},
        close: async () => {},
      },
    });
    await expect(runTransactional(memoryLike, { key: 'k' }, async () => 1)).rejects.toMatchObject({
      field: 'idempotency',
    });
    await expect(
      runTransactional(idempotency, { key: 'k', isolation: 'snapshot' as never }, async () => 1),
    ).rejects.toMatchObject({ field: 'isolation' });
    await expect(
      runTransactional(
        idempotency,
        { key: 'k', complete: async () => true } as never,
        async () => 1,
      ),
    ).rejects.toMatchObject({ field: 'complete' });
    await expect(
      runTransactional(idempotency, { key: 'k' }, 'nope' as never),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('runs at the isolation level asked for', async () => {
    const outcome = await runTransactional(
      idempotency,
      { key: 'serializable', isolation: 'serializable' },
      async (tx) =>
        (
          await tx.query<{ level: string }>(
            "SELECT current_setting('transaction_isolation') AS level",
          )
        ).rows[0]?.level,
    );
    expect(outcome.value).toBe('serializable');
  });
});
