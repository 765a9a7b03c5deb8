import type { Redis } from 'ioredis';
import type { Framework, LibraryId, StoreKind, StoreTarget } from './libraries/types.js';
import type { BenchOptions } from './options.js';
import type { RedisTarget } from './redis/server.js';

/** What every scenario gets: the options, the Redis under test, and this run's key prefix. */
export interface BenchContext {
  options: BenchOptions;
  redis: RedisTarget;
  /** An admin connection to the Redis under test (cleanup, counters, MEMORY USAGE). */
  admin: Redis;
  /** Unique to this run; every key any library writes starts with it. */
  prefix: string;
  log: (line: string) => void;
}

export function storeTarget(
  context: BenchContext,
  kind: StoreKind,
  ...parts: (string | number)[]
): StoreTarget {
  return { kind, redisUrl: context.redis.url, prefix: [context.prefix, ...parts].join(':') };
}

/** One library on one framework and store: what the HTTP scenarios iterate over. */
export interface HttpCase {
  library: LibraryId;
  framework: Framework;
  store: StoreKind;
}
