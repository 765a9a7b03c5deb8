import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createIdempotency, FingerprintMismatchError, InvalidArgumentError } from '@oncely/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import {
  closeStore,
  makeDirectory,
  openStore,
  prepareFile,
  removeDirectory,
} from './sqlite-database.js';

const directory = makeDirectory();
const file = prepareFile(join(directory, 'records.db'));
afterAll(() => removeDirectory(directory));

describe('SqliteStore', () => {
  it('refuses options that are not a better-sqlite3 database, naming the field', () => {
    const fieldOf = (options: unknown) => {
      try {
        new SqliteStore(options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return (error as InvalidArgumentError).field;
      }
      return undefined;
    };
    const database = new Database(file.path);
    expect(fieldOf({ database: {} })).toBe('database');
    expect(fieldOf({ database, table: 'a-b' })).toBe('table');
    expect(fieldOf({ database, maxResultBytes: 0 })).toBe('maxResultBytes');
    database.close();
    expect(fieldOf({ database })).toBe('database');
  });

  it('runs an operation once through the engine and replays it', async () => {
    const store = openStore(file);
    try {
      const idempotency = createIdempotency({ store, ttl: '24h', lease: '30s' });
      const key = `order-${randomUUID()}`;
      let runs = 0;
      const pay = () =>
        idempotency.run({ key, request: { amount: 1200 } }, () => ({ paid: ++runs }));
      expect(await pay()).toMatchObject({ status: 'executed', value: { paid: 1 } });
      expect(await pay()).toMatchObject({ status: 'replayed', value: { paid: 1 } });
      await expect(
        idempotency.run({ key, request: { amount: 9999 } }, () => ({ paid: ++runs })),
      ).rejects.toBeInstanceOf(FingerprintMismatchError);
      expect(runs).toBe(1);
    } finally {
      await closeStore(store);
    }
  });

  it('needs BEGIN IMMEDIATE: a deferred transaction that read first cannot upgrade after another commit', () => {
    // What the guide says about SQLite's locking, shown on two connections to one file.
    const reader = new Database(file.path, { timeout: 1_000 });
    const writer = new Database(file.path, { timeout: 1_000 });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM oncely_records').get();
      writer
        .prepare(
          `INSERT INTO oncely_records (record_key, state, fingerprint, owner_token, fence, lease_until, expires_at)
           VALUES (?, 'released', x'', '', 1, 0, 0)`,
        )
        .run(Buffer.from(randomUUID()));
      expect(() =>
        reader.prepare('DELETE FROM oncely_records WHERE record_key = ?').run(Buffer.from('x')),
      ).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_BUSY/) }));
      reader.exec('ROLLBACK');
      // IMMEDIATE takes the write lock at BEGIN: the upgrade cannot be lost.
      reader.exec('BEGIN IMMEDIATE');
      reader.prepare('SELECT COUNT(*) FROM oncely_records').get();
      reader.prepare('DELETE FROM oncely_records WHERE record_key = ?').run(Buffer.from('x'));
      reader.exec('COMMIT');
    } finally {
      reader.close();
      writer.close();
    }
  });
});
