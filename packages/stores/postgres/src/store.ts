import {
  type AcquireInput,
  type AcquireResult,
  type CompleteInput,
  type ExtendInput,
  InvalidArgumentError,
  type OwnerInput,
  ResultTooLargeError,
  type Store,
  type StoreCapabilities,
  type StoreRecord,
} from '@oncely/core';
import { reportIdleConnectionErrors, watchCheckedOut } from './connection-errors.js';
import { toStoreError } from './errors.js';
import { resolveNames, type StoreNames } from './names.js';
import type { PgPool, PgQueryable } from './pg-types.js';
import { migrationSql, verifySchema } from './schema.js';
import {
  acquireSql,
  completeSql,
  deleteSql,
  extendSql,
  getSql,
  purgeSql,
  releaseSql,
} from './statements.js';
import { fromStoredText, toStoredText } from './stored-text.js';

export interface PostgresStoreOptions {
  /** A `pg.Pool` (pg 8.x). The store never closes it. */
  pool: PgPool;
  /** The schema that holds the table. Default `"public"`. */
  schema?: string | undefined;
  /** The table's name. Default `"oncely_records"`. */
  table?: string | undefined;
  /** The largest result, in bytes, `complete` accepts. Default 16 MiB; at most 1 GiB - 1. */
  maxResultBytes?: number | undefined;
  /**
   * Where the store reports an idle connection's error when the pool has no `error` listener
   * of its own (without one, Node would end the process). Default `console.warn`.
   */
  onWarning?: ((message: string) => void) | undefined;
}

export interface PurgeOptions {
  /** Rows deleted per statement; each batch is its own short transaction. Default 1000. */
  batchSize?: number | undefined;
  /** Stop after this many batches, even if expired rows remain. Default: until none remain. */
  maxBatches?: number | undefined;
}

export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;
/** bytea holds at most 1 GiB. */
const BYTEA_LIMIT = 1024 * 1024 * 1024 - 1;

interface RecordRow {
  state: 'in_progress' | 'completed';
  fingerprint: string;
  fence: string;
  result: Buffer | null;
  lease_remaining_ms: number;
  ttl_remaining_ms: number;
}

interface AcquireRow extends RecordRow {
  acquired: boolean;
}

/**
 * A Store on PostgreSQL 12+ through a `pg` Pool you own. Every operation is one statement and
 * one round trip; leases and expiry are measured with the database's clock.
 */
export class PostgresStore implements Store {
  readonly capabilities: StoreCapabilities;
  /** The pool this store queries; `runTransactional` opens its transactions on it by default. */
  readonly pool: PgPool;
  readonly names: Readonly<StoreNames>;
  private readonly sql: Readonly<
    Record<'acquire' | 'complete' | 'release' | 'extend' | 'get' | 'delete' | 'purge', string>
  >;
  /** Set once the table has been checked; a failed check is not kept, so a fix is picked up. */
  private verified: Promise<void> | undefined;

  constructor(options: PostgresStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(
        'options',
        'expected { pool, schema?, table?, maxResultBytes?, onWarning? }',
      );
    }
    const { pool } = options;
    if (
      typeof pool !== 'object' ||
      pool === null ||
      typeof pool.query !== 'function' ||
      typeof pool.connect !== 'function'
    ) {
      throw new InvalidArgumentError(
        'pool',
        'expected a pg Pool (an object with query() and connect())',
      );
    }
    const maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    if (
      !Number.isSafeInteger(maxResultBytes) ||
      maxResultBytes < 1 ||
      maxResultBytes > BYTEA_LIMIT
    ) {
      throw new InvalidArgumentError(
        'maxResultBytes',
        `expected a whole number of bytes from 1 to ${BYTEA_LIMIT}`,
      );
    }
    const onWarning = options.onWarning ?? ((message: string) => console.warn(message));
    if (typeof onWarning !== 'function') {
      throw new InvalidArgumentError('onWarning', 'expected a function');
    }
    this.pool = pool;
    reportIdleConnectionErrors(pool, onWarning);
    this.names = Object.freeze(resolveNames(options.schema, options.table));
    this.capabilities = Object.freeze({
      maxResultBytes,
      clock: 'server',
      sharedAcrossInstances: true,
    });
    this.sql = Object.freeze({
      acquire: acquireSql(this.names),
      complete: completeSql(this.names),
      release: releaseSql(this.names),
      extend: extendSql(this.names),
      get: getSql(this.names),
      delete: deleteSql(this.names),
      purge: purgeSql(this.names),
    });
  }

  /** The DDL this store needs, for users who run their own migrations. */
  migrationSql(): string {
    return migrationSql(this.names);
  }

  /**
   * Create the schema (if missing), the fence sequence, the table and its expiry index.
   * Idempotent, and safe to run from many processes at once: a transaction-scoped advisory
   * lock lets one of them create things while the others wait, then find them there.
   */
  async migrate(): Promise<void> {
    let client: Awaited<ReturnType<PgPool['connect']>>;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError('migrate', error);
    }
    let broken: Error | undefined;
    const watch = watchCheckedOut(client);
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [this.names.migrationLockKey]);
      // Nothing to do when everything is there: CREATE ... IF NOT EXISTS would still demand the
      // CREATE privilege, which a role that only uses the table need not have.
      const found = await verifySchema(client, this.names).catch((error: unknown) => {
        if (error instanceof InvalidArgumentError) return undefined;
        throw error;
      });
      if (!found?.hasExpiryIndex) {
        const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
          this.names.schema,
        ]);
        if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${this.names.quotedSchema}`);
        await client.query(this.migrationSql());
        await verifySchema(client, this.names);
      }
      await client.query('COMMIT');
      this.verified = Promise.resolve();
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw toStoreError('migrate', error);
    } finally {
      watch.stop();
      client.release(broken ?? watch.failure());
    }
  }

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    const rows = await this.query<AcquireRow>('acquire', this.pool, this.sql.acquire, [
      toStoredText(input.key),
      toStoredText(input.fingerprint),
      toStoredText(input.token),
      input.leaseMs,
      input.ttlMs,
    ]);
    const row = rows[0];
    if (!row) {
      // The statement returns a row in every case; none means the table is not what it should be.
      throw toStoreError('acquire', new Error('the acquire statement returned no row'));
    }
    if (row.acquired) return { acquired: true, fence: Number(row.fence) };
    return { acquired: false, record: toRecord(row, true) };
  }

  async complete(input: CompleteInput): Promise<boolean> {
    return this.completeOn(this.pool, input);
  }

  /**
   * Complete the record on `client`, inside the transaction it has open, so the result is
   * stored if and only if that transaction commits. The same compare-and-set on owner token
   * and fence as `complete`: `false` when this attempt no longer owns the key, in which case
   * roll the transaction back. Until the transaction ends it holds the record's row lock, so
   * other attempts at the key wait for its outcome instead of seeing it half done.
   */
  async completeInTransaction(client: PgQueryable, input: CompleteInput): Promise<boolean> {
    if (typeof client !== 'object' || client === null || typeof client.query !== 'function') {
      throw new InvalidArgumentError('client', 'expected a pg client with an open transaction');
    }
    return this.completeOn(client, input);
  }

  async release(input: OwnerInput): Promise<boolean> {
    return this.changed('release', this.pool, this.sql.release, [
      toStoredText(input.key),
      toStoredText(input.token),
      input.fence,
    ]);
  }

  async extend(input: ExtendInput): Promise<boolean> {
    return this.changed('extend', this.pool, this.sql.extend, [
      toStoredText(input.key),
      toStoredText(input.token),
      input.fence,
      input.leaseMs,
    ]);
  }

  async get(key: string): Promise<StoreRecord | undefined> {
    const rows = await this.query<RecordRow>('get', this.pool, this.sql.get, [toStoredText(key)]);
    return rows[0] ? toRecord(rows[0], false) : undefined;
  }

  async delete(key: string): Promise<void> {
    await this.query('delete', this.pool, this.sql.delete, [toStoredText(key)]);
  }

  /**
   * Delete expired rows (completed, released or abandoned), `batchSize` at a time, each batch
   * a short statement of its own that skips rows other sessions hold locked. Reads already
   * ignore expired rows; this only reclaims the space. Returns how many rows it deleted.
   */
  async purgeExpired(options: PurgeOptions = {}): Promise<number> {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', 'expected { batchSize?, maxBatches? }');
    }
    const batchSize = options.batchSize ?? 1000;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) {
      throw new InvalidArgumentError('batchSize', 'expected a whole number from 1 to 1000000');
    }
    const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
    if (
      maxBatches !== Number.POSITIVE_INFINITY &&
      (!Number.isSafeInteger(maxBatches) || maxBatches < 1)
    ) {
      throw new InvalidArgumentError('maxBatches', 'expected a positive whole number');
    }
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      await this.ready('purgeExpired');
      let deleted: number;
      try {
        deleted = (await this.pool.query(this.sql.purge, [batchSize])).rowCount ?? 0;
      } catch (error) {
        throw toStoreError('purgeExpired', error);
      }
      total += deleted;
      if (deleted < batchSize) break;
    }
    return total;
  }

  /** The pool belongs to the caller, so there is nothing of the store's own to close. */
  async close(): Promise<void> {}

  private async completeOn(db: PgQueryable, input: CompleteInput): Promise<boolean> {
    const { result } = input;
    if (result.byteLength > this.capabilities.maxResultBytes) {
      throw new ResultTooLargeError(result.byteLength, this.capabilities.maxResultBytes);
    }
    const bytes = Buffer.isBuffer(result)
      ? result
      : Buffer.from(result.buffer, result.byteOffset, result.byteLength);
    return this.changed('complete', db, this.sql.complete, [
      toStoredText(input.key),
      toStoredText(input.token),
      input.fence,
      bytes,
      input.ttlMs,
    ]);
  }

  private async changed(
    operation: string,
    db: PgQueryable,
    text: string,
    values: unknown[],
  ): Promise<boolean> {
    await this.ready(operation);
    try {
      const { rowCount } = await db.query(text, values);
      return rowCount === 1;
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }

  private async query<R>(
    operation: string,
    db: PgQueryable,
    text: string,
    values: unknown[],
  ): Promise<R[]> {
    await this.ready(operation);
    try {
      return (await db.query(text, values)).rows as R[];
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }

  /** Check the table once, on first use, so a wrong table fails with a clear message. */
  private async ready(operation: string): Promise<void> {
    if (!this.verified) {
      const check = verifySchema(this.pool, this.names).then(() => undefined);
      this.verified = check;
      check.catch(() => {
        if (this.verified === check) this.verified = undefined;
      });
    }
    try {
      await this.verified;
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }
}

function toRecord(row: RecordRow, fromAcquire: boolean): StoreRecord {
  const fingerprint = fromStoredText(row.fingerprint);
  const fence = Number(row.fence);
  if (row.state === 'completed') {
    // A loser's record was live when the statement decided; a microsecond later it may read 0.
    const ttlRemainingMs = fromAcquire ? Math.max(1, row.ttl_remaining_ms) : row.ttl_remaining_ms;
    return {
      state: 'completed',
      fingerprint,
      fence,
      result: row.result ?? Buffer.alloc(0),
      ttlRemainingMs,
    };
  }
  return { state: 'in_progress', fingerprint, fence, leaseRemainingMs: row.lease_remaining_ms };
}
