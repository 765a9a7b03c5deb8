import { type Duration, InvalidArgumentError, parseDuration } from '@oncely/core';
import { type ClientSurface, type RedisClient, validateClient } from './client.js';

/** 8 MiB: large enough for any sensible API response, small enough not to stall Redis. */
export const DEFAULT_MAX_RESULT_BYTES = 8 * 1024 * 1024;
/** Redis refuses bulk strings over 512 MiB (proto-max-bulk-len). */
export const REDIS_MAX_BULK_BYTES = 512 * 1024 * 1024;

export interface RedisStoreOptions {
  /**
   * An ioredis 5 or 6 client, `new Redis(...)` or `new Cluster(...)`, without `keyPrefix` (use
   * `prefix`). The store never closes it.
   */
  client: RedisClient;
  /** Prepended to every Redis key; must not contain `{` or `}`. Default `"oncely:"`. */
  prefix?: string | undefined;
  /** The largest result `complete` accepts, in bytes. Default 8 MiB, at most 512 MiB. */
  maxResultBytes?: number | undefined;
  /**
   * How long a call waits for a client that is (re)connecting before it fails with
   * StoreUnavailableError. `0` fails at once. Default `"1s"`.
   */
  readyTimeout?: Duration | undefined;
  /**
   * Check Redis' `maxmemory-policy` once, on first use, and warn if it can evict live records.
   * Default `true`.
   */
  checkEvictionPolicy?: boolean | undefined;
  /** Where warnings go. Default `console.warn`. */
  onWarning?: ((message: string) => void) | undefined;
}

export interface ResolvedRedisStoreOptions {
  client: ClientSurface;
  prefix: string;
  maxResultBytes: number;
  readyTimeoutMs: number;
  checkEvictionPolicy: boolean;
  onWarning: (message: string) => void;
}

export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'expected { client, ... }');
  }
  const client = validateClient(options.client);

  const prefix = options.prefix ?? 'oncely:';
  if (typeof prefix !== 'string') throw new InvalidArgumentError('prefix', 'expected a string');
  if (/[{}]/.test(prefix)) {
    throw new InvalidArgumentError(
      'prefix',
      'must not contain "{" or "}": the store puts its own Cluster hash tag after it',
    );
  }

  const maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  if (
    !Number.isSafeInteger(maxResultBytes) ||
    maxResultBytes <= 0 ||
    maxResultBytes > REDIS_MAX_BULK_BYTES
  ) {
    throw new InvalidArgumentError(
      'maxResultBytes',
      `expected a whole number of bytes from 1 to ${REDIS_MAX_BULK_BYTES} (Redis' largest value)`,
    );
  }

  const readyTimeout = options.readyTimeout ?? '1s';
  const readyTimeoutMs = readyTimeout === 0 ? 0 : parseDuration(readyTimeout, 'readyTimeout');

  const checkEvictionPolicy = options.checkEvictionPolicy ?? true;
  if (typeof checkEvictionPolicy !== 'boolean') {
    throw new InvalidArgumentError('checkEvictionPolicy', 'expected a boolean');
  }

  const onWarning = options.onWarning ?? ((message: string) => console.warn(message));
  if (typeof onWarning !== 'function')
    throw new InvalidArgumentError('onWarning', 'expected a function');

  return { client, prefix, maxResultBytes, readyTimeoutMs, checkEvictionPolicy, onWarning };
}
