import { InvalidArgumentError } from '@oncely/core';

export interface MemoryStoreOptions {
  /** Completed records (and released keys) kept at most; the oldest written go first. Default 10 000. */
  maxEntries?: number | undefined;
  /** Bound on the bytes completed records take (results, keys, overhead). Default 64 MiB. */
  maxBytes?: number | undefined;
  /** In-progress records held at most; past it `acquire` fails closed. Default 10 000. */
  maxInProgress?: number | undefined;
  /** The largest result `complete` accepts. Default 8 MiB (and never more than `maxBytes`). */
  maxResultBytes?: number | undefined;
}

export interface ResolvedMemoryOptions {
  maxEntries: number;
  maxBytes: number;
  maxInProgress: number;
  maxResultBytes: number;
}

const DEFAULT_MAX_RESULT_BYTES = 8 * 1024 * 1024;
// Without a byte bound, 10 000 records of up to 8 MiB each could take 80 GB: bound memory by
// default, with room for eight results of the largest default size.
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(field, `expected a positive whole number, got ${String(value)}`);
  }
  return value;
}

export function resolveMemoryOptions(options: MemoryStoreOptions = {}): ResolvedMemoryOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'expected an options object');
  }
  const maxEntries = positiveInteger(options.maxEntries ?? 10_000, 'maxEntries');
  const maxBytes = positiveInteger(options.maxBytes ?? DEFAULT_MAX_BYTES, 'maxBytes');
  const maxInProgress = positiveInteger(options.maxInProgress ?? 10_000, 'maxInProgress');
  let maxResultBytes = positiveInteger(
    options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
    'maxResultBytes',
  );
  if (options.maxResultBytes !== undefined && maxResultBytes > maxBytes) {
    const which = options.maxBytes === undefined ? ', the default; raise maxBytes too' : '';
    throw new InvalidArgumentError(
      'maxResultBytes',
      `cannot exceed maxBytes (${maxBytes}${which})`,
    );
  }
  maxResultBytes = Math.min(maxResultBytes, maxBytes);
  return { maxEntries, maxBytes, maxInProgress, maxResultBytes };
}
