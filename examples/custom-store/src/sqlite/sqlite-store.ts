import {
  type AcquireInput,
  type AcquireResult,
  type CompleteInput,
  type ExtendInput,
  type OwnerInput,
  ResultTooLargeError,
  type Store,
  type StoreCapabilities,
  type StoreRecord,
} from '@oncely/core';
import type { Database } from 'better-sqlite3';
import { acquire } from './acquire.js';
import { resolveSqliteOptions, type SqliteStoreOptions } from './options.js';
import type { RecordRow } from './record.js';
import { toStoreRecord } from './record.js';
import { prepareStatements, type Statements } from './statements.js';
import { asBuffer, codeUnits } from './text.js';

/**
 * An oncely store in a SQLite table over better-sqlite3, for one machine: every process and
 * thread that opens the same file shares its records. better-sqlite3 is synchronous: each
 * call blocks this thread until SQLite answers, so the engine's `storeTimeout` cannot fire
 * during one (a writer waiting for the lock waits up to the connection's busy timeout).
 * Driver errors are thrown as they are: the engine turns them into StoreUnavailableError.
 */
export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities;
  private readonly database: Database;
  private readonly statements: Statements;

  constructor(options: SqliteStoreOptions) {
    const resolved = resolveSqliteOptions(options);
    this.database = resolved.database;
    this.statements = prepareStatements(resolved.database, resolved.table);
    this.capabilities = Object.freeze({
      maxResultBytes: resolved.maxResultBytes,
      // SQLite runs in this process: its clock is the machine's, which is the caller's.
      clock: 'caller',
      sharedAcrossInstances: true,
    });
  }

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    return acquire(this.database, this.statements, input);
  }

  async complete(input: CompleteInput): Promise<boolean> {
    if (input.result.byteLength > this.capabilities.maxResultBytes) {
      throw new ResultTooLargeError(input.result.byteLength, this.capabilities.maxResultBytes);
    }
    const { changes } = this.statements.complete.run({
      ...this.owner(input),
      result: asBuffer(input.result),
      ttlMs: input.ttlMs,
    });
    return changes === 1;
  }

  async release(input: OwnerInput): Promise<boolean> {
    return this.statements.release.run(this.owner(input)).changes === 1;
  }

  async extend(input: ExtendInput): Promise<boolean> {
    const { changes } = this.statements.extend.run({
      ...this.owner(input),
      leaseMs: input.leaseMs,
    });
    return changes === 1;
  }

  async get(key: string): Promise<StoreRecord | undefined> {
    const row = this.statements.live.get(codeUnits(key)) as RecordRow | undefined;
    return row ? toStoreRecord(row) : undefined;
  }

  async delete(key: string): Promise<void> {
    this.statements.delete.run(codeUnits(key));
  }

  /** Nothing to do: the database is yours, and you close it after the last store call. */
  async close(): Promise<void> {}

  private owner({ key, token, fence }: OwnerInput) {
    return { key: codeUnits(key), token, fence };
  }
}
