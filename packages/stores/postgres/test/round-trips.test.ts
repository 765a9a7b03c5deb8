import { ConflictError, createIdempotency, FingerprintMismatchError } from '@oncely/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgPool, PostgresStore, runTransactional } from '../src/index.js';
import { postgres, setup } from './helpers.js';

/** A pool that counts every statement sent through it, and through the clients it hands out. */
function counting(pool: pg.Pool): { pool: PgPool; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    pool: {
      query: (text, values) => {
        statements.push(text);
        return pool.query(text, values);
      },
      connect: async () => {
        const client = await pool.connect();
        return {
          release: (error) => client.release(error),
          query: (text, values) => {
            statements.push(text);
            return client.query(text, values);
          },
        } as Awaited<ReturnType<PgPool['connect']>>;
      },
    },
  };
}

describe.skipIf(!postgres.available)('round trips', () => {
  let pool: pg.Pool;
  let schema: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ pool, schema, cleanup } = await setup());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('through the engine: a first execution is 2 statements, a replay 1, a conflict 1', async () => {
    const counted = counting(pool);
    const store = new PostgresStore({ pool: counted.pool, schema });
    await store.get('warm-up'); // the one-time table check of a new store instance
    expect(counted.statements).toHaveLength(2);
    counted.statements.length = 0;

    const engine = createIdempotency({ store, heartbeat: false });
    await engine.run({ key: 'trip' }, () => 'value');
    expect(counted.statements).toHaveLength(2); // acquire, complete
    counted.statements.length = 0;

    const replay = await engine.run({ key: 'trip' }, () => 'not run');
    expect(replay.status).toBe('replayed');
    expect(counted.statements).toHaveLength(1); // acquire, which brought the result back
    counted.statements.length = 0;

    await expect(
      engine.run({ key: 'trip', request: 'other' }, () => 'not run'),
    ).rejects.toBeInstanceOf(FingerprintMismatchError);
    expect(counted.statements).toHaveLength(1);
    counted.statements.length = 0;

    let conflict: unknown;
    await engine.run({ key: 'busy' }, async () => {
      counted.statements.length = 0;
      conflict = await engine
        .run({ key: 'busy' }, () => 'not run')
        .catch((error: unknown) => error);
      expect(counted.statements).toHaveLength(1);
    });
    expect(conflict).toBeInstanceOf(ConflictError);
  });

  it('through runTransactional: acquire, BEGIN, your statements, complete, COMMIT; a replay is 1', async () => {
    const counted = counting(pool);
    const store = new PostgresStore({ pool: counted.pool, schema });
    await store.get('warm-up');
    counted.statements.length = 0;
    const engine = createIdempotency({ store, heartbeat: false });

    await runTransactional(engine, { key: 'tx-trip' }, async (tx) => {
      await tx.query('SELECT 1');
      return 'value';
    });
    expect(counted.statements).toHaveLength(5);
    expect(counted.statements[1]).toBe('BEGIN');
    expect(counted.statements[2]).toBe('SELECT 1');
    expect(counted.statements[4]).toBe('COMMIT');
    counted.statements.length = 0;

    const replay = await runTransactional(engine, { key: 'tx-trip' }, async () => 'not run');
    expect(replay.status).toBe('replayed');
    expect(counted.statements).toHaveLength(1);
  });
});
