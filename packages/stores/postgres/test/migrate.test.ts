import { InvalidArgumentError } from '@oncely/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSql, PostgresStore } from '../src/index.js';
import { dropSchema, newPool, postgres, testSchemaName } from './helpers.js';

describe.skipIf(!postgres.available)('migrate() and the table check', () => {
  let pool: pg.Pool;
  const schemas: string[] = [];
  const fresh = () => {
    const schema = testSchemaName();
    schemas.push(schema);
    return schema;
  };

  beforeAll(() => {
    pool = newPool({ max: 8 });
  });
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(pool, schema);
    await pool.end();
  });

  it('runs concurrently from 8 connections, creating the schema once, and again harmlessly', async () => {
    const schema = fresh();
    const stores = Array.from({ length: 8 }, () => new PostgresStore({ pool, schema }));
    await Promise.all(stores.map((store) => store.migrate()));

    const [store] = stores;
    if (!store) throw new Error('no store');
    const won = await store.acquire({
      key: 'kept',
      fingerprint: 'fp',
      token: 't',
      leaseMs: 60_000,
      ttlMs: 60_000,
    });
    expect(won.acquired).toBe(true);

    await Promise.all(stores.map((other) => other.migrate()));
    expect(await store.get('kept')).toMatchObject({ state: 'in_progress' });
    const { rows } = await pool.query(
      `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 ORDER BY c.relname`,
      [schema],
    );
    expect(rows).toEqual([
      { relname: 'oncely_records', relkind: 'r' },
      { relname: 'oncely_records_expires_at_idx', relkind: 'i' },
      { relname: 'oncely_records_fence_seq', relkind: 'S' },
      { relname: 'oncely_records_pkey', relkind: 'i' },
    ]);
  });

  it('creates a custom-named table, with names quoted as given', async () => {
    const schema = fresh();
    const store = new PostgresStore({ pool, schema, table: 'Idempotency_Keys' });
    await store.migrate();
    expect(
      await store.acquire({ key: 'k', fingerprint: 'f', token: 't', leaseMs: 1000, ttlMs: 1000 }),
    ).toMatchObject({
      acquired: true,
    });
    const { rows } = await pool.query('SELECT to_regclass($1) IS NOT NULL AS exists', [
      `"${schema}"."Idempotency_Keys"`,
    ]);
    expect(rows[0]).toEqual({ exists: true });
    expect(store.migrationSql()).toBe(migrationSql({ schema, table: 'Idempotency_Keys' }));
    expect(store.migrationSql()).toContain(`"${schema}"."Idempotency_Keys_fence_seq"`);
  });

  it('adds what is missing to a table created by hand, such as the expiry index', async () => {
    const schema = fresh();
    await pool.query(`CREATE SCHEMA "${schema}"`);
    const store = new PostgresStore({ pool, schema });
    await pool.query(store.migrationSql().replace(/CREATE INDEX[^;]*;/, ''));
    const index = `"${schema}".oncely_records_expires_at_idx`;
    const exists = async () =>
      (await pool.query('SELECT to_regclass($1) IS NOT NULL AS exists', [index])).rows[0];
    expect(await exists()).toEqual({ exists: false });
    await store.migrate();
    expect(await exists()).toEqual({ exists: true });
  });

  async function errorAtFirstUse(store: PostgresStore): Promise<InvalidArgumentError> {
    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('table');
    return error as InvalidArgumentError;
  }

  it('names a missing table at first use', async () => {
    const schema = fresh();
    await pool.query(`CREATE SCHEMA "${schema}"`);
    const error = await errorAtFirstUse(new PostgresStore({ pool, schema }));
    expect(error.message).toContain(`"${schema}"."oncely_records" does not exist`);
    expect(error.message).toContain('migrate()');
  });

  it('names missing columns, wrong types, a missing key index and a missing sequence', async () => {
    const schema = fresh();
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(
      `CREATE TABLE "${schema}".partial (key text PRIMARY KEY, fingerprint text, fence integer)`,
    );
    const partial = await errorAtFirstUse(new PostgresStore({ pool, schema, table: 'partial' }));
    expect(partial.message).toContain(
      'missing columns state, token, lease_until, expires_at, result, created_at, updated_at',
    );
    expect(partial.message).toContain('column fence is integer, expected bigint');
    expect(partial.message).toContain(`sequence "${schema}"."partial_fence_seq" does not exist`);

    // Every column, but no unique key: ON CONFLICT would fail in every acquire.
    const full = new PostgresStore({ pool, schema, table: 'unkeyed' });
    await pool.query(full.migrationSql().replace(' PRIMARY KEY', ''));
    const unkeyed = await errorAtFirstUse(full);
    expect(unkeyed.message).toContain('column key has no primary key or unique index');
  });

  it('picks up a table created after a failed check', async () => {
    const schema = fresh();
    await pool.query(`CREATE SCHEMA "${schema}"`);
    const store = new PostgresStore({ pool, schema });
    await errorAtFirstUse(store);
    await new PostgresStore({ pool, schema }).migrate();
    expect(await store.get('k')).toBeUndefined();
  });
});
