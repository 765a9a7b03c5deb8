import { Attempt } from './attempt.js';
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
import type { OperationOutcome, StoreOperation } from './events.js';
import { fingerprint as fingerprintOf } from './fingerprint.js';
import { namespacedKey, validateKey, validateScope } from './keys.js';
import { completeWithinLease } from './late-completion.js';
import { LeaseKeeper, type LeaseTiming } from './lease.js';
import type { Logger } from './logger.js';
import { type ContextSource, Observation } from './observation.js';
import {
  type IdempotencyOptions,
  type ResolvedOptions,
  resolveOptions,
  resolveWait,
  validateCodec,
  validateLogger,
} from './options.js';
import { sleep } from './sleep.js';
import type { AcquireResult, CompleteInput, StoreRecord } from './store.js';
import { ownerToken } from './token.js';

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
  /**
   * What to attach to this operation's events and log lines (see `OperationContext`): an
   * object, or a function called when an event is built. Never put keys or secrets in it.
   */
  context?: ContextSource;
  /** The logger for this call instead of the engine's `logger`; `false` for none. */
  logger?: Logger | false | undefined;
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

type ReleaseReason = 'error' | 'policy' | 'encoding' | 'too-large';

export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const settings = resolveOptions(options);
  const { store, onEvent } = settings;
  const storeName = nameOf(store);
  const deadlines = new Deadlines(settings.storeTimeoutMs);

  /**
   * What a failed store call throws: our own errors as they are, anything else as 503. Errors
   * are recognised by brand: a store loaded through another copy of core (its CJS build, or
   * another version) throws that copy's classes.
   */
  function storeFailure(
    operation: StoreOperation,
    observed: Observation | undefined,
    error: unknown,
  ): Error {
    const unavailable = isOncelyError(error, 'store-unavailable');
    if (isOncelyError(error) && !unavailable) return error;
    observed?.emit('store_error', { operation, error });
    if (unavailable) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`The idempotency store failed to ${operation}: ${reason}`, {
      cause: error,
    });
  }

  /** Every store call is bounded in time and fails closed as StoreUnavailableError. */
  function callStore<R>(
    operation: StoreOperation,
    observed: Observation | undefined,
    call: () => Promise<R>,
    timeoutMs?: number,
  ): Promise<R> {
    const failure = (error: unknown) => storeFailure(operation, observed, error);
    if (!observed?.verbose) return deadlines.bound(call, failure, timeoutMs);
    const asked = performance.now();
    const timed = (ok: boolean) =>
      observed.emit('store_call', { operation, durationMs: performance.now() - asked, ok });
    return deadlines.bound(call, failure, timeoutMs).then(
      (value) => {
        timed(true);
        return value;
      },
      (error: unknown) => {
        timed(false);
        throw error;
      },
    );
  }

  const leaseTiming: LeaseTiming = {
    extend: (input, observed) => callStore('extend', observed, () => store.extend(input)),
    leaseMs: settings.leaseMs,
    heartbeatMs: settings.heartbeatMs,
    maxRunMs: settings.maxRunMs,
  };

  /** Someone listens to this call: a listener, or a logger (the call's own or the engine's). */
  function observe<T>(runOptions: RunOptions<T>, storeKey: string): Observation | undefined {
    const logger =
      runOptions.logger === undefined ? settings.logger : runOptions.logger || undefined;
    if (!onEvent && !logger) return undefined;
    return new Observation(storeKey, onEvent, logger, runOptions.context, storeName);
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
    if (runOptions.logger !== undefined && runOptions.logger !== false) {
      validateLogger(runOptions.logger, 'logger');
    }
    const codec = runOptions.codec === undefined ? settings.codec : validateCodec(runOptions.codec);
    const observed = observe(runOptions, storeKey);
    if (!observed) return acquireAndRun(storeKey, print, waitMs, handler, runOptions, codec);
    const step: Step = { ran: false, fence: undefined };
    let outcome: RunOutcome<T>;
    try {
      outcome = await acquireAndRun(
        storeKey,
        print,
        waitMs,
        handler,
        runOptions,
        codec,
        observed,
        step,
      );
    } catch (error) {
      const failed = outcomeOf(error);
      // Without a listener or debug logging, only the outcomes that are warnings are built.
      if (observed.verbose || failed === 'store-unavailable' || failed === 'fenced') {
        observed.emit('settled', {
          outcome: failed,
          fence: step.fence,
          handlerRan: step.ran,
          stored: false,
          // Only the store's error: a mismatch's error holds the stored fingerprint, a fenced
          // one the handler's result, and a handler's own error is the framework's to report.
          ...(failed === 'store-unavailable' ? { error } : {}),
        });
      }
      throw error;
    }
    if (observed.verbose) {
      observed.emit('settled', {
        outcome: outcome.status,
        fence: outcome.fence,
        handlerRan: step.ran,
        stored: outcome.status === 'replayed' || outcome.stored,
      });
    }
    return outcome;
  }

  async function acquireAndRun<T>(
    storeKey: string,
    print: string,
    waitMs: number,
    handler: (context: RunContext) => T | Promise<T>,
    runOptions: RunOptions<T>,
    codec: ResultCodec,
    observed?: Observation,
    step?: Step,
  ): Promise<RunOutcome<T>> {
    const token = ownerToken();
    const deadline = Date.now() + waitMs;
    let pause = 10;
    for (;;) {
      const asked = observed ? performance.now() : 0;
      let attempt: AcquireResult;
      try {
        attempt = await callStore('acquire', observed, () =>
          store.acquire({
            key: storeKey,
            fingerprint: print,
            token,
            leaseMs: settings.leaseMs,
            ttlMs: settings.ttlMs,
          }),
        );
      } finally {
        if (observed) observed.acquireMs += performance.now() - asked;
      }
      if (attempt.acquired) {
        if (step) {
          step.ran = true;
          step.fence = attempt.fence;
        }
        if (observed?.verbose) observed.emit('acquired', { fence: attempt.fence });
        return execute(storeKey, token, attempt.fence, handler, runOptions, codec, observed);
      }
      const record: StoreRecord = attempt.record;
      if (step) step.fence = record.fence;
      if (record.fingerprint !== print) {
        if (observed?.verbose) observed.emit('mismatch', {});
        throw new FingerprintMismatchError(undefined, record.fingerprint);
      }
      if (record.state === 'completed') {
        if (observed?.verbose) observed.emit('replayed', { fence: record.fence });
        return { status: 'replayed', value: codec.decode(record.result) as T, fence: record.fence };
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const retryAfterMs = Math.max(record.leaseRemainingMs, 1);
        if (observed?.verbose) observed.emit('conflict', { retryAfterMs });
        throw new ConflictError(retryAfterMs);
      }
      // Wait for the winner: poll with a growing, jittered pause, never past the deadline.
      const slept = observed ? performance.now() : 0;
      await sleep(Math.min(remaining, pause + Math.random() * pause));
      if (observed) observed.waitMs += performance.now() - slept;
      pause = Math.min(pause * 2, 250);
    }
  }

  /** Give the key up after the handler ran; never throws (the failure is reported as store_error). */
  async function releaseKey(
    key: string,
    token: string,
    fence: number,
    reason: ReleaseReason,
    observed: Observation | undefined,
  ): Promise<void> {
    try {
      const released = await callStore('release', observed, () =>
        store.release({ key, token, fence }),
      );
      if (released && observed?.verbose) observed.emit('released', { fence, reason });
    } catch {
      // Reported as store_error; the lease lapses on its own and a retry takes over.
    }
  }

  async function execute<T>(
    key: string,
    token: string,
    fence: number,
    handler: (context: RunContext) => T | Promise<T>,
    runOptions: RunOptions<T>,
    codec: ResultCodec,
    observed: Observation | undefined,
  ): Promise<RunOutcome<T>> {
    const { shouldStore, complete } = runOptions;
    const started = performance.now();
    const lease = new LeaseKeeper(leaseTiming, key, token, fence, observed);

    /** From the end of the handler to now: storing the result or releasing the key. */
    let handlerEnded = 0;
    const finishing = (): void => {
      if (observed) observed.completeMs = performance.now() - handlerEnded;
    };
    const release = (reason: ReleaseReason): Promise<void> =>
      releaseKey(key, token, fence, reason, observed).finally(finishing);

    const context = new Attempt(fence, lease);
    let value: T;
    try {
      value = await handler(context);
    } catch (error) {
      lease.stop();
      handlerEnded = performance.now();
      if (observed) observed.handlerMs = handlerEnded - started;
      await release('error');
      throw error;
    }
    lease.stop();
    handlerEnded = performance.now();
    if (observed) observed.handlerMs = handlerEnded - started;

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
      } finally {
        finishing();
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
            observed,
            () => store.complete(input),
            Math.max(1, budgetEnds - performance.now()),
          );
          finishing();
          break;
        } catch (error) {
          if (isOncelyError(error, 'result-too-large')) {
            // The store measured the stored form (e.g. after compression) and refused it.
            await release('too-large');
            throw error;
          }
          if (!isOncelyError(error, 'store-unavailable')) {
            finishing();
            throw error;
          }
          const pause = fullJitter(ceiling);
          if (performance.now() + pause >= budgetEnds) {
            finishing();
            finishWithinLease(input, lease.remainingMs(), observed, started);
            throw error;
          }
          await sleep(pause);
        }
      }
    }
    if (!completed) {
      if (observed?.verbose) {
        observed.emit('fenced', { fence, operation: 'complete', background: false });
      }
      throw new OwnershipLostError(
        'The operation ran, but its lease had lapsed and another attempt took over the key, so its result was not stored.',
        fence,
        value,
      );
    }
    if (observed?.verbose) {
      observed.emit('completed', {
        fence,
        bytes: bytes.byteLength,
        durationMs: performance.now() - started,
        background: false,
      });
    }
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
    observed: Observation | undefined,
    started: number,
  ): void {
    completeWithinLease({
      // Its failed tries are not reported one by one: the outcome below is what matters.
      attempt: () => callStore('complete', undefined, () => store.complete(input)),
      remainingMs,
      onSettled: (outcome) => {
        if (!observed) return;
        const { fence } = input;
        if (outcome === 'gave-up') observed.emit('abandoned', { fence });
        else if (outcome === 'refused') {
          observed.emit('fenced', { fence, operation: 'complete', background: true });
        } else {
          observed.emit('completed', {
            fence,
            bytes: input.result.byteLength,
            durationMs: performance.now() - started,
            background: true,
          });
        }
      },
    });
  }

  return { run, settings };
}

/** How far `run` got, for the settled event. */
interface Step {
  ran: boolean;
  fence: number | undefined;
}

function outcomeOf(error: unknown): OperationOutcome {
  if (isOncelyError(error, 'conflict')) return 'conflict';
  if (isOncelyError(error, 'fingerprint-mismatch')) return 'mismatch';
  if (isOncelyError(error, 'store-unavailable')) return 'store-unavailable';
  if (isOncelyError(error, 'ownership-lost')) return 'fenced';
  return 'failed';
}

/** What events call the store: its own `name`, else its class's. */
function nameOf(store: object): string {
  const own = (store as { name?: unknown }).name;
  if (typeof own === 'string' && own.length > 0) return own;
  return store.constructor?.name || 'store';
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
