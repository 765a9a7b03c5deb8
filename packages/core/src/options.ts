import { defaultCodec, type ResultCodec } from './codec.js';
import { type Duration, MAX_TIMER_MS, parseDuration } from './duration.js';
import { InvalidArgumentError } from './errors.js';
import type { EventListener } from './events.js';
import { isLogger, type Logger } from './logger.js';
import { STORE_METHODS, type Store } from './store.js';

export interface IdempotencyOptions {
  /** Where records live. */
  store: Store;
  /** How long a completed result is replayed. Default `"24h"`. */
  ttl?: Duration | undefined;
  /** How long an attempt holds its key without renewing it. Default `"30s"`. */
  lease?: Duration | undefined;
  /**
   * Renew the lease while the handler runs: `true` (default) every third of the lease, a
   * duration for another interval, or `false` to hold it only for `lease`.
   */
  heartbeat?: boolean | Duration | undefined;
  /**
   * What a request does when the same key is still running elsewhere: `false` (default)
   * fails at once with `ConflictError`; `true` waits up to one lease for the winner's
   * result; a duration waits that long.
   */
  wait?: boolean | Duration | undefined;
  /** Prepended to every stored key. Default `"oncely:"`. */
  prefix?: string | undefined;
  /**
   * The longest an attempt runs before it stops renewing its lease: its `signal` fires, and a
   * retry can take the key over once the lease ends (at most one `lease` later). A handler
   * that never settles would otherwise hold its key for as long as the process lives.
   * Default `"5m"`.
   */
  maxRunTime?: Duration | undefined;
  /** Give up on a store call after this long (fail closed). Default `"5s"`. */
  storeTimeout?: Duration | undefined;
  /** How results become bytes. Default: a binary-safe codec (see README). */
  codec?: ResultCodec | undefined;
  /** Called for every lifecycle event; a throwing listener never breaks a request. */
  onEvent?: EventListener | undefined;
  /**
   * Where oncely logs (pino-compatible: `logger.warn(object, message)`): a warning whenever a
   * result that ran may not be replayed, debug lines for normal operations (see README).
   * Default none; the Fastify binding uses `request.log`. `false` for none.
   */
  logger?: Logger | false | undefined;
}

export interface ResolvedOptions {
  store: Store;
  ttlMs: number;
  leaseMs: number;
  heartbeatMs: number | undefined;
  maxRunMs: number;
  waitMs: number;
  prefix: string;
  storeTimeoutMs: number;
  codec: ResultCodec;
  onEvent: EventListener | undefined;
  logger: Logger | undefined;
}

export function validateStore(store: unknown, field = 'store'): Store {
  if (typeof store !== 'object' || store === null) {
    throw new InvalidArgumentError(field, 'expected a Store object');
  }
  const candidate = store as Record<string, unknown>;
  for (const method of STORE_METHODS) {
    if (typeof candidate[method] !== 'function') {
      throw new InvalidArgumentError(
        `${field}.${method}`,
        'the store does not implement this method',
      );
    }
  }
  const capabilities = candidate.capabilities as Record<string, unknown> | undefined;
  if (typeof capabilities !== 'object' || capabilities === null) {
    throw new InvalidArgumentError(
      `${field}.capabilities`,
      'the store does not declare its capabilities',
    );
  }
  const max = capabilities.maxResultBytes;
  if (typeof max !== 'number' || !(max > 0)) {
    throw new InvalidArgumentError(
      `${field}.capabilities.maxResultBytes`,
      'expected a positive number',
    );
  }
  if (capabilities.clock !== 'server' && capabilities.clock !== 'caller') {
    throw new InvalidArgumentError(`${field}.capabilities.clock`, 'expected "server" or "caller"');
  }
  if (typeof capabilities.sharedAcrossInstances !== 'boolean') {
    throw new InvalidArgumentError(
      `${field}.capabilities.sharedAcrossInstances`,
      'expected a boolean',
    );
  }
  return store as Store;
}

/** `wait` as milliseconds: 0 for no waiting. */
export function resolveWait(
  wait: boolean | Duration | undefined,
  leaseMs: number,
  field: string,
): number {
  if (wait === undefined || wait === false) return 0;
  if (wait === true) return leaseMs;
  return parseDuration(wait, field);
}

export function resolveOptions(options: IdempotencyOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'expected an options object');
  }
  const store = validateStore(options.store);
  const ttlMs = parseDuration(options.ttl ?? '24h', 'ttl');
  const leaseMs = parseDuration(options.lease ?? '30s', 'lease');
  if (leaseMs > MAX_TIMER_MS) throw new InvalidArgumentError('lease', 'must be under 24.8 days');
  const heartbeat = options.heartbeat ?? true;
  let heartbeatMs: number | undefined;
  if (heartbeat === true) heartbeatMs = Math.max(1, Math.floor(leaseMs / 3));
  else if (heartbeat !== false) {
    heartbeatMs = parseDuration(heartbeat, 'heartbeat');
    if (heartbeatMs >= leaseMs) {
      throw new InvalidArgumentError(
        'heartbeat',
        'must be shorter than the lease, or the lease lapses between renewals',
      );
    }
  }
  // Past any HTTP client's or proxy's timeout (commonly 30-120 s), so a request still running
  // then has no one left to answer, with room for jobs that legitimately take minutes. Too
  // short is the worse mistake: a retry could run a slow handler a second time.
  const maxRunMs = parseDuration(options.maxRunTime ?? '5m', 'maxRunTime');
  if (maxRunMs > MAX_TIMER_MS) {
    throw new InvalidArgumentError('maxRunTime', 'must be under 24.8 days');
  }
  const waitMs = resolveWait(options.wait, leaseMs, 'wait');
  const prefix = options.prefix ?? 'oncely:';
  if (typeof prefix !== 'string') throw new InvalidArgumentError('prefix', 'expected a string');
  const storeTimeoutMs = parseDuration(options.storeTimeout ?? '5s', 'storeTimeout');
  const codec = validateCodec(options.codec ?? defaultCodec);
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw new InvalidArgumentError('onEvent', 'expected a function');
  }
  const logger =
    options.logger === undefined || options.logger === false
      ? undefined
      : validateLogger(options.logger, 'logger');
  return {
    logger,
    store,
    ttlMs,
    leaseMs,
    heartbeatMs,
    maxRunMs,
    waitMs,
    prefix,
    storeTimeoutMs,
    codec,
    onEvent: options.onEvent,
  };
}

/** A codec given in the options or for one call: it must encode and decode. */
export function validateCodec(codec: unknown): ResultCodec {
  const candidate = codec as Partial<ResultCodec> | null | undefined;
  if (typeof candidate?.encode !== 'function' || typeof candidate?.decode !== 'function') {
    throw new InvalidArgumentError('codec', 'expected { encode(value), decode(bytes) }');
  }
  return candidate as ResultCodec;
}

/** A logger option: pino's shape (`error`, `warn`, `info`, `debug` methods). */
export function validateLogger(logger: unknown, field: string): Logger {
  if (!isLogger(logger)) {
    throw new InvalidArgumentError(field, 'expected a logger with error, warn, info and debug');
  }
  return logger;
}
