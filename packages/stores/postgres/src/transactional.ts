import {
  type CompleteInput,
  type Idempotency,
  InvalidArgumentError,
  ResultTooLargeError,
  type RunContext,
  type RunOptions,
  type RunOutcome,
  StoreUnavailableError,
} from '@oncely/core';
import { watchCheckedOut } from './connection-errors.js';
import { isServerError } from './errors.js';
import type { PgPool, PgPoolClient, PgQueryable } from './pg-types.js';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

const ISOLATION_LEVELS: readonly IsolationLevel[] = [
  'read committed',
  'repeatable read',
  'serializable',
];

export interface TransactionalRunOptions<T> extends Omit<RunOptions<T>, 'complete'> {
  /**
   * Where the transaction runs. Default: the store's own pool. It must reach the same
   * database as the store, or the record and your writes cannot share a transaction.
   */
  pool?: PgPool | undefined;
  /** The transaction's isolation level. Default: the server's (normally read committed). */
  isolation?: IsolationLevel | undefined;
}

/** Your operation: write through `tx` only; do not COMMIT or ROLLBACK it yourself. */
export type TransactionalHandler<T> = (tx: PgPoolClient, context: RunContext) => T | Promise<T>;

/** The one thing runTransactional needs from the engine's store. */
interface CompletesInTransaction {
  pool: PgPool;
  completeInTransaction(client: PgQueryable, input: CompleteInput): Promise<boolean>;
  release(input: { key: string; token: string; fence: number }): Promise<boolean>;
}

/**
 * Run `handler` once for `options.key`, inside a database transaction that also completes the
 * key: your writes and the stored result commit together, or neither does.
 *
 * The engine acquires the key as usual (replay, conflict and mismatch included); only the
 * attempt that wins opens a transaction, on a connection of its own, and hands it to
 * `handler`. Then, still in that transaction, the record is completed with a compare-and-set
 * on the owner token and fence, and the transaction commits.
 * - `handler` throws: ROLLBACK, the key is released, a retry runs again.
 * - another attempt took the key over meanwhile (the lease lapsed): ROLLBACK, and
 *   `OwnershipLostError` is thrown; the other attempt's writes stand, yours never happened.
 * - the result is not stored (`shouldStore` said no, or it cannot be encoded or is too large):
 *   ROLLBACK, the key is released. The transaction commits if and only if the result is stored.
 * - COMMIT fails with an error from the server (a deferred constraint, a serialization
 *   failure): nothing was committed, the key is released and the error is thrown.
 * - the connection dies during COMMIT: nobody knows whether it committed, so the key is left
 *   to its lease and `StoreUnavailableError` is thrown. A retry with the same key replays the
 *   result if it did commit and runs again once the lease has lapsed if it did not.
 */
export async function runTransactional<T>(
  idempotency: Idempotency,
  options: TransactionalRunOptions<T>,
  handler: TransactionalHandler<T>,
): Promise<RunOutcome<T>> {
  if (
    typeof idempotency !== 'object' ||
    idempotency === null ||
    typeof idempotency.run !== 'function'
  ) {
    throw new InvalidArgumentError('idempotency', 'expected what createIdempotency() returns');
  }
  const store = idempotency.settings?.store as Partial<CompletesInTransaction> | undefined;
  if (typeof store?.completeInTransaction !== 'function') {
    throw new InvalidArgumentError(
      'idempotency',
      'its store must be a PostgresStore, which can complete a key inside a transaction',
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'expected { key, ... }');
  }
  if (typeof handler !== 'function')
    throw new InvalidArgumentError('handler', 'expected a function');
  const { pool = store.pool, isolation, ...runOptions } = options;
  if (typeof pool?.connect !== 'function' || typeof pool.query !== 'function') {
    throw new InvalidArgumentError('pool', 'expected a pg Pool');
  }
  if (isolation !== undefined && !ISOLATION_LEVELS.includes(isolation)) {
    throw new InvalidArgumentError('isolation', `expected one of ${ISOLATION_LEVELS.join(', ')}`);
  }
  if ('complete' in runOptions) {
    throw new InvalidArgumentError('complete', 'runTransactional completes the key itself');
  }

  const transaction = new Transaction(
    pool,
    isolation,
    store as CompletesInTransaction,
    idempotency.settings.leaseMs,
  );
  try {
    return await idempotency.run(
      { ...runOptions, complete: (input) => transaction.complete(input) },
      async (context) => {
        const tx = await transaction.begin();
        try {
          return await handler(tx, context);
        } catch (error) {
          await transaction.rollback();
          throw error;
        }
      },
    );
  } finally {
    // Still open here only when the engine did not store the result: nothing may commit.
    await transaction.end();
  }
}

/** One transaction on one pooled connection, from BEGIN to COMMIT or ROLLBACK. */
class Transaction {
  private client: PgPoolClient | undefined;
  private watch: ReturnType<typeof watchCheckedOut> | undefined;
  private open = false;
  /** Set when the connection can no longer be trusted, so the pool discards it. */
  private broken: Error | undefined;

  constructor(
    private readonly pool: PgPool,
    private readonly isolation: IsolationLevel | undefined,
    private readonly store: CompletesInTransaction,
    private readonly leaseMs: number,
  ) {}

  async begin(): Promise<PgPoolClient> {
    try {
      this.client = await this.pool.connect();
    } catch (error) {
      throw unavailable('could not get a connection for the transaction', error);
    }
    this.watch = watchCheckedOut(this.client);
    const begin = this.isolation
      ? `BEGIN ISOLATION LEVEL ${this.isolation.toUpperCase()}`
      : 'BEGIN';
    try {
      await this.client.query(begin);
    } catch (error) {
      this.broken = asError(error);
      throw unavailable('could not begin the transaction', error);
    }
    this.open = true;
    return this.client;
  }

  /** The engine's completion step: complete the record in the transaction, then commit. */
  async complete(input: CompleteInput): Promise<boolean> {
    const client = this.client;
    if (!client || !this.open) {
      throw new StoreUnavailableError(
        'The transaction ended before the key could be completed in it.',
      );
    }
    let stored: boolean;
    try {
      stored = await this.store.completeInTransaction(client, input);
    } catch (error) {
      await this.rollback();
      // Nothing committed. The engine releases a result that is too large itself.
      if (!(error instanceof ResultTooLargeError)) await this.releaseKey(input);
      throw error;
    }
    if (!stored) {
      await this.rollback();
      return false;
    }
    try {
      await client.query('COMMIT');
      this.open = false;
      return true;
    } catch (error) {
      this.open = false;
      if (isServerError(error)) {
        // The server refused the commit, so it rolled everything back: free the key for a retry.
        await this.releaseKey(input);
        throw error;
      }
      this.broken = asError(error);
      throw new StoreUnavailableError(
        'The connection failed while committing, so whether the operation committed is unknown. ' +
          'Retry with the same key: it replays the result if it committed, and runs again once the lease lapses if not.',
        { cause: error, retryAfterMs: this.leaseMs },
      );
    }
  }

  async rollback(): Promise<void> {
    if (!this.client || !this.open) return;
    this.open = false;
    try {
      await this.client.query('ROLLBACK');
    } catch (error) {
      this.broken = asError(error);
    }
  }

  async end(): Promise<void> {
    await this.rollback();
    this.watch?.stop();
    this.client?.release(this.broken ?? this.watch?.failure());
    this.client = undefined;
    this.watch = undefined;
  }

  private async releaseKey(input: CompleteInput): Promise<void> {
    try {
      await this.store.release({ key: input.key, token: input.token, fence: input.fence });
    } catch {
      // Best effort: otherwise the lease lapses and the next attempt takes the key over.
    }
  }
}

function unavailable(what: string, cause: unknown): StoreUnavailableError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreUnavailableError(`PostgreSQL ${what}: ${reason}`, { cause });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
