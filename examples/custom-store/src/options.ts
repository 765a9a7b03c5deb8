import { InvalidArgumentError } from '@oncely/core';
import type { Pool } from 'mysql2/promise';
import { quoteTableName } from './schema.js';

export interface MariaDbStoreOptions {
  /** A `mysql2/promise` pool. The store borrows connections and never ends the pool. */
  pool: Pool;
  /** The table `createRecordsTable` made. Default `oncely_records`. */
  table?: string;
  /**
   * The largest result `complete` accepts. Default 4 MiB. The statement carries the result
   * hex-encoded, twice its size, so keep `2 × maxResultBytes` plus a few KiB under the
   * server's `max_allowed_packet` (16 MiB by default on MariaDB).
   */
  maxResultBytes?: number;
}

export interface ResolvedOptions {
  pool: Pool;
  /** Checked and quoted, ready to splice into SQL. */
  table: string;
  maxResultBytes: number;
}

const DEFAULT_MAX_RESULT_BYTES = 4 * 1024 * 1024;
// max_allowed_packet is at most 1 GiB, and the result travels as hex.
const LARGEST_MAX_RESULT_BYTES = 512 * 1024 * 1024;

function isPromisePool(pool: unknown): pool is Pool {
  const candidate = pool as Record<string, unknown> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.query === 'function' &&
    typeof candidate.getConnection === 'function' &&
    // A callback pool from 'mysql2' has .promise(); its query() would never resolve here.
    typeof candidate.promise !== 'function'
  );
}

export function resolveOptions(options: MariaDbStoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'expected { pool, table?, maxResultBytes? }');
  }
  if (!isPromisePool(options.pool)) {
    throw new InvalidArgumentError(
      'pool',
      "expected a pool from 'mysql2/promise' createPool() (for a callback pool, pass pool.promise())",
    );
  }
  const maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  if (
    !Number.isSafeInteger(maxResultBytes) ||
    maxResultBytes < 1 ||
    maxResultBytes > LARGEST_MAX_RESULT_BYTES
  ) {
    throw new InvalidArgumentError(
      'maxResultBytes',
      `expected a whole number from 1 to ${LARGEST_MAX_RESULT_BYTES}, got ${String(maxResultBytes)}`,
    );
  }
  return {
    pool: options.pool,
    table: quoteTableName(options.table ?? 'oncely_records'),
    maxResultBytes,
  };
}
