import { randomUUID } from 'node:crypto';
import { fullJitter } from './backoff.js';
import type { ResultCodec } from './codec.js';
import { Deadlines } from './deadlines.js';
import type { Duration } from './duration.js';
import {
  ConflictError,
  FingerprintMismatchError,
  InvalidArgumentError,
  isOncelyError,
  OwnershipLostError,
  ResultTooLargeError,
  StoreUnavailableError,
} from './errors.js';
import type { OncelyEvent, StoreOperation } from './events.js';
import { fingerprint as fingerprintOf } from './fingerprint.js';
import { hashKey, namespacedKey, validateKey, validateScope } from './keys.js';
import { completeWithinLease } from './late-completion.js';
import { LeaseKeeper } from './lease.js';
import {
  type IdempotencyOptions,
  type ResolvedOptions,
  resolveOptions,
  resolveWait,
  validateCodec,
} from './options.js';
import { sleep } from './sleep.js';
import type { AcquireResult, CompleteInput, StoreRecord } from './store.js';

export interface RunOptions<T> {
  /** The idempotency key: 1..255 visible ASCII characters. */
  key: string | undefined;
  /** Who the key belongs to (tenant, account, API key). Keys never cross scopes. */
  scope?: string | undefined;
  /**
   * What identifies the operation: the same key with a different `request` is refused with
   * `FingerprintMismatchError`. Plain data is hashed as canonical JSON, bytes and strings as
   * they are. Omit it to bind the key to nothing but itself.
   */
  request?: unknown | undefined;
  /** Your own fingerprint instead of hashing `request`. */
  fingerprint?: string | undefined;
  /** Override the engine's `wait` for this call. */
  wait?: boolean | Duration | undefined;
  /**
   * Decide whether a successful result is kept for replay. Returning `false` releases the key
   * instead, so the next attempt runs again (e.g. a 503 response). Default: keep everything.
   */
  shouldStore?: ((value: T) => boolean) | undefined;
  /**
   * Store the result yourself instead of through `store.complete`: e.g. in the same database
   * transaction as the handler's own writes, so both commit or neither does. It receives what
   * `store.complete` would and answers the same way: `true` once the result is stored, `false`
   * when this attempt no longer owns the key (`run` then throws `OwnershipLostError`). It is
   * called once, without the engine's retries or store timeout, because only its author knows
   * whether repeating it is safe; an error it throws reaches the caller of `run` unchanged.
   */
  complete?: ((input: CompleteInput) => Promise<boolean>) | undefined;
  /**
   * How this call's result becomes bytes and back, instead of the engine's `codec`: for a
   * result with a fixed shape that a dedicated format stores faster (the HTTP layer's
   * responses). Records written with one codec are read back with the same one.
   */
  codec?: ResultCodec | undefined;
}

export interface RunContext {
  /** Grows with every acquisition of this key; pass it to systems you write to. */
  readonly fence: number;
  /** Fires when this attempt can no longer be sure it owns the key. */
  readonly signal: AbortSignal;
}

export type RunOutcome<T> =
  | { status: 'executed'; value: T; fence: number; stored: boolean }
  | { status: 'replayed'; value: T; fence: number };

export interface Idempotency {
  /**
   * Run `handler` once for `options.key`. The first caller executes it; every later caller
   * with the same key and request gets the stored result back without running anything.
   */
  run<T>(
    options: RunOptions<T>,
    handler: (context: RunContext) => T | Promise<T>,
  ): Promise<RunOutcome<T>>;
  /** The resolved settings, for layers built on top of the engine. */
  readonly settings: Readonly<ResolvedOptions>;
}

/** The first ceiling of the jittered pause between completion tries while the caller waits. */
const COMPLETE_RETRY_MS = 50;
const EMPTY_FINGERPRINT = 'none';

export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const settings = resolveOptions(options);
  const { store, onEvent } = settings;

  const emit = (event: OncelyEvent): void => {
    if (!onEvent) return;
    try {
      onEvent(event);
    } catch {
      // A broken metrics hook must never change what a request does.
    }
  };

  const deadlines = new Deadlines(settings.storeTimeoutMs);

  /**
   * What a failed store call throws: our own errors as they are, anything else as 503. Errors
   * are recognised by brand: a store loaded through another copy of core (its CJS build, or
   * another version) throws that copy's classes.
   */
  function storeFailure(operation: StoreOperation, keyHash: () => string, error: unknown): Error {
    const unavailable = isOncelyError(error, 'store-unavailable');
    if (isOncelyError(error) && !unavailable) return error;
    if (onEvent) emit({ type: 'store_error', keyHash: keyHash(), operation, error });
    if (unavailable) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`The idempotency store failed to ${operation}: ${reason}`, {
      cause: error,
    });
  }

  /** Every store call is bounded in time and fails closed as StoreUnavailableError. */
  function callStore<R>(
    operation: StoreOperation,
    keyHash: () => string,
    call: () => Promise<R>,
    timeoutMs?: number,
  ): Promise<R> {
    return deadlines.bound(call, (error) => storeFailure(operation, keyHash, error), timeoutMs);
  }

  async function run<T>(
    runOptions: RunOptions<T>,
    handler: (context: RunContext) => T | Promise<T>,
  ): Promise<RunOutcome<T>> {
    if (typeof runOptions !== 'object' || runOptions === null) {
      throw new InvalidArgumentError('options', 'expected { key, ... }');
    }
    if (typeof handler !== 'function')
      throw new InvalidArgumentError('handler', 'expected a function');
    const key = validateKey(runOptions.key);
    const scope = validateScope(runOptions.scope);
    const storeKey = namespacedKey(settings.prefix, scope, key);
    const print = resolveFingerprint(runOptions);
    const waitMs =
      runOptions.wait === undefined
        ? settings.waitMs
        : resolveWait(runOptions.wait, settings.leaseMs, 'wait');
    if (runOptions.shouldStore !== undefined && typeof runOptions.shouldStore !== 'function') {
      throw new InvalidArgumentError('shouldStore', 'expected a function');
    }
    if (runOptions.complete !== undefined && typeof runOptions.complete !== 'function') {
      throw new InvalidArgumentError('complete', 'expected a function');
    }
    const codec = runOptions.codec === undefined ? settings.codec : validateCodec(runOptions.codec);
    let cachedHash: string | undefined;
    const keyHash = (): string => {
      cachedHash ??= hashKey(storeKey);
      return cachedHash;
    };

    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    let pause = 10;
    for (;;) {
      const attempt: AcquireResult = await callStore('acquire', keyHash, () =>
        store.acquire({
          key: storeKey,
          fingerprint: print,
          token,
          leaseMs: settings.leaseMs,
          ttlMs: settings.ttlMs,
        }),
      );
      if (attempt.acquired) {
        if (onEvent) emit({ type: 'acquired', keyHash: keyHash(), fence: attempt.fence });
        return execute(storeKey, token, attempt.fence, keyHash, handler, runOptions, codec);
      }
      const record: StoreRecord = attempt.record;
      if (record.fingerprint !== print) {
        if (onEvent) emit({ type: 'mismatch', keyHash: keyHash() });
        throw new FingerprintMismatchError(undefined, record.fingerprint);
      }
      if (record.state === 'completed') {
        if (onEvent) emit({ type: 'replayed', keyHash: keyHash(), fence: record.fence });
        return { status: 'replayed', value: codec.decode(record.result) as T, fence: record.fence };
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const retryAfterMs = Math.max(record.leaseRemainingMs, 1);
        if (onEvent) emit({ type: 'conflict', keyHash: keyHash(), retryAfterMs });
        throw new ConflictError(retryAfterMs);
      }
      // Wait for the winner: poll with a growing, jittered pause, never past the deadline.
      await sleep(Math.min(remaining, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 250);
    }
  }

  async function execute<T>(
    key: string,
    token: string,
    fence: number,
    keyHash: () => string,
    handler: (context: RunContext) => T | Promise<T>,
    runOptions: RunOptions<T>,
    codec: ResultCodec,
  ): Promise<RunOutcome<T>> {
    const { shouldStore, complete } = runOptions;
    const started = performance.now();
    const lease = new LeaseKeeper({
      extend: (input) => callStore('extend', keyHash, () => store.extend(input)),
      key,
      token,
      fence,
      leaseMs: settings.leaseMs,
      heartbeatMs: settings.heartbeatMs,
      maxRunMs: settings.maxRunMs,
      emit,
      keyHash,
    });

    const release = async (
      reason: 'error' | 'policy' | 'encoding' | 'too-large',
    ): Promise<void> => {
      try {
        const released = await callStore('release', keyHash, () =>
          store.release({ key, token, fence }),
        );
        if (released && onEvent) emit({ type: 'released', keyHash: keyHash(), fence, reason });
      } catch {
        // Reported as store_error; the lease lapses on its own and a retry takes over.
      }
    };

    // `signal` is a getter so the AbortController is made only for handlers that use it.
    const context: RunContext = {
      fence,
      get signal() {
        return lease.signal;
      },
    };
    let value: T;
    try {
      value = await handler(context);
    } catch (error) {
      lease.stop();
      await release('error');
      throw error;
    }
    lease.stop();

    if (shouldStore && !shouldStore(value)) {
      await release('policy');
      return { status: 'executed', value, fence, stored: false };
    }

    let bytes: Uint8Array;
    try {
      bytes = codec.encode(value);
    } catch (error) {
      await release('encoding');
      throw error;
    }
    const limit = store.capabilities.maxResultBytes;
    if (bytes.byteLength > limit) {
      await release('too-large');
      throw new ResultTooLargeError(bytes.byteLength, limit);
    }

    const input = { key, token, fence, result: bytes, ttlMs: settings.ttlMs };
    let completed = false;
    if (complete) {
      try {
        completed = await complete(input);
      } catch (error) {
        if (isOncelyError(error, 'result-too-large')) await release('too-large');
        throw error;
      }
    } else {
      // Completing is safe to repeat for the same owner, so a blip is retried rather than
      // leaving an operation that ran without a record (its retry would run it again). The
      // caller waits for this at most one store timeout in all, however many tries fit in it:
      // the response is ready and the store is what is late. What does not fit goes on in
      // the background, within the lease.
      const budgetEnds = performance.now() + settings.storeTimeoutMs;
      for (let ceiling = COMPLETE_RETRY_MS; ; ceiling *= 2) {
        try {
          completed = await callStore(
            'complete',
            keyHash,
            () => store.complete(input),
            Math.max(1, budgetEnds - performance.now()),
          );
          break;
        } catch (error) {
          if (isOncelyError(error, 'result-too-large')) {
            // The store measured the stored form (e.g. after compression) and refused it.
            await release('too-large');
            throw error;
          }
          if (!isOncelyError(error, 'store-unavailable')) throw error;
          const pause = fullJitter(ceiling);
          if (performance.now() + pause >= budgetEnds) {
            finishWithinLease(input, lease.remainingMs(), keyHash, started);
            throw error;
          }
          await sleep(pause);
        }
      }
    }
    if (!completed) {
      if (onEvent) emit({ type: 'fenced', keyHash: keyHash(), fence, operation: 'complete' });
      throw new OwnershipLostError(
        'The operation ran, but its lease had lapsed and another attempt took over the key, so its result was not stored.',
        fence,
        value,
      );
    }
    if (onEvent)
      emit({
        type: 'completed',
        keyHash: keyHash(),
        fence,
        bytes: bytes.byteLength,
        durationMs: performance.now() - started,
      });
    return { status: 'executed', value, fence, stored: true };
  }

  /**
   * The handler ran but its result could not be stored: tell the caller now (the store is
   * failing) and keep trying in the background until the lease ends, so a store that comes
   * back in time still gets the record and the retry replays instead of running again.
   */
  function finishWithinLease(
    input: CompleteInput,
    remainingMs: number,
    keyHash: () => string,
    started: number,
  ): void {
    completeWithinLease({
      attempt: () => callStore('complete', keyHash, () => store.complete(input)),
      remainingMs,
      onSettled: (outcome) => {
        if (!onEvent || outcome === 'gave-up') return;
        if (outcome === 'refused') {
          emit({ type: 'fenced', keyHash: keyHash(), fence: input.fence, operation: 'complete' });
        } else {
          emit({
            type: 'completed',
            keyHash: keyHash(),
            fence: input.fence,
            bytes: input.result.byteLength,
            durationMs: performance.now() - started,
          });
        }
      },
    });
  }

  return { run, settings };
}

function resolveFingerprint<T>(options: RunOptions<T>): string {
  if (options.fingerprint !== undefined) {
    if (
      typeof options.fingerprint !== 'string' ||
      options.fingerprint.length === 0 ||
      options.fingerprint.length > 512
    ) {
      throw new InvalidArgumentError(
        'fingerprint',
        'expected a non-empty string of at most 512 characters',
      );
    }
    return options.fingerprint;
  }
  return options.request === undefined ? EMPTY_FINGERPRINT : fingerprintOf(options.request);
}
