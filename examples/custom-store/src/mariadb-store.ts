import type {
  AcquireInput,
  AcquireResult,
  CompleteInput,
  ExtendInput,
  OwnerInput,
  Store,
  StoreCapabilities,
  StoreRecord,
} from '@oncely/core';
import type { Pool } from 'mysql2/promise';
import { acquire } from './acquire.js';
import { keyHash } from './bytes.js';
import { get } from './get.js';
import { type MariaDbStoreOptions, resolveOptions } from './options.js';
import { complete, extend, release } from './owner-operations.js';

/**
 * An oncely store in a MariaDB or MySQL table (InnoDB), over a `mysql2/promise` pool you
 * create and end. Driver errors are thrown as they are: the engine turns them into
 * StoreUnavailableError and fails closed.
 */
export class MariaDbStore implements Store {
  readonly capabilities: StoreCapabilities;
  private readonly pool: Pool;
  private readonly table: string;

  constructor(options: MariaDbStoreOptions) {
    const resolved = resolveOptions(options);
    this.pool = resolved.pool;
    this.table = resolved.table;
    this.capabilities = Object.freeze({
      maxResultBytes: resolved.maxResultBytes,
      clock: 'server',
      sharedAcrossInstances: true,
    });
  }

  acquire(input: AcquireInput): Promise<AcquireResult> {
    return acquire(this.pool, this.table, input);
  }

  complete(input: CompleteInput): Promise<boolean> {
    return complete(this.pool, this.table, this.capabilities.maxResultBytes, input);
  }

  release(input: OwnerInput): Promise<boolean> {
    return release(this.pool, this.table, input);
  }

  extend(input: ExtendInput): Promise<boolean> {
    return extend(this.pool, this.table, input);
  }

  get(key: string): Promise<StoreRecord | undefined> {
    return get(this.pool, this.table, key);
  }

  async delete(key: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE key_hash = ?`, [keyHash(key)]);
  }

  /** Nothing to do: the pool is yours, and you end it after the last store call. */
  async close(): Promise<void> {}
}
