import { type Backoff, fullJitter } from './backoff.js';
import { newKey } from './key.js';
import { abortableSleep } from './signals.js';

/** What one attempt ended with, handed to `onAttempt` for logs and metrics. */
export interface AttemptEvent {
  /** The key every attempt of this operation carries. */
  key: string;
  method: string;
  url: string;
  /** 1 for the first request, 2 for the first retry... */
  attempt: number;
  /** The HTTP status, when the attempt got an answer. */
  status?: number;
  /** The answer carried `Idempotent-Replayed: true`. */
  replayed: boolean;
  /** Why the attempt got no answer (a network error, an `AttemptTimeoutError`). */
  error?: unknown;
  /** The wait before the next attempt, in ms; absent when this attempt was the last. */
  retryInMs?: number;
  /** The `Retry-After` the server asked for, in ms. */
  retryAfterMs?: number;
  /** Time since the operation started, in ms. */
  elapsedMs: number;
}

export interface ClientOptions {
  /** The fetch to call (undici's, a test double, an instrumented one). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Methods that get a key and retries; others go through once, untouched. Default `["POST", "PATCH"]`. */
  methods?: readonly string[];
  /** The header that carries the key. Default `"Idempotency-Key"`. */
  header?: string;
  /**
   * Send the key as an RFC 8941 sf-string (`"..."`, the IETF draft's form, which oncely reads)
   * or bare (for servers that take the value literally). Default `true`.
   */
  quoteKey?: boolean;
  /** Makes the key of an operation the caller gave none. Default `newKey` (a random UUID). */
  newKey?: () => string;
  /** Requests sent per operation at most, the first included. Default 5. */
  maxAttempts?: number;
  /** The whole operation, every attempt and wait, ends within this many ms. Default 60 000. */
  deadlineMs?: number;
  /** One attempt that has no complete answer after this many ms is abandoned and retried. Default 10 000. */
  attemptTimeoutMs?: number;
  /** Exponential backoff with full jitter between attempts. Default `{ baseMs: 100, maxMs: 10_000 }`. */
  backoff?: Partial<Backoff>;
  /**
   * Also retry 500, 502, 504 and other 5xx answers (503 is always retried). Default `false`:
   * a 500 from an oncely server released the key, so a retry runs the operation again, which
   * only you can say is wanted.
   */
  retryServerErrors?: boolean;
  /** Read a stream body into memory once, so it can be sent again. Default `false`. */
  bufferBody?: boolean;
  /** Called after every attempt, before the wait. An exception from it fails the call. */
  onAttempt?: (event: AttemptEvent) => void;
  /** The source of jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /**
   * How the client waits between attempts; it must reject with `signal.reason` when `signal`
   * aborts. A seam for tests (scale waits down) and for platforms with their own timers.
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface ResolvedOptions {
  fetch: typeof fetch;
  methods: ReadonlySet<string>;
  header: string;
  quoteKey: boolean;
  newKey: () => string;
  maxAttempts: number;
  deadlineMs: number;
  attemptTimeoutMs: number;
  delay: (retry: number) => number;
  retryServerErrors: boolean;
  bufferBody: boolean;
  onAttempt: ((event: AttemptEvent) => void) | undefined;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

function positive(
  value: number | undefined,
  fallback: number,
  name: string,
  whole = false,
): number {
  const resolved = value ?? fallback;
  if (
    typeof resolved !== 'number' ||
    !(resolved > 0) ||
    !Number.isFinite(resolved) ||
    (whole && !Number.isInteger(resolved))
  ) {
    throw new TypeError(
      `@oncely/client: ${name} must be a positive ${whole ? 'integer' : 'number'}`,
    );
  }
  return resolved;
}

export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const backoff: Backoff = {
    baseMs: positive(options.backoff?.baseMs, 100, 'backoff.baseMs'),
    maxMs: positive(options.backoff?.maxMs, 10_000, 'backoff.maxMs'),
  };
  const random = options.random ?? Math.random;
  return {
    // Looked up on every call, so a fetch installed (or patched) after the client was made is used.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    methods: new Set((options.methods ?? ['POST', 'PATCH']).map((m) => m.toUpperCase())),
    header: options.header ?? 'Idempotency-Key',
    quoteKey: options.quoteKey ?? true,
    newKey: options.newKey ?? newKey,
    maxAttempts: positive(options.maxAttempts, 5, 'maxAttempts', true),
    deadlineMs: positive(options.deadlineMs, 60_000, 'deadlineMs'),
    attemptTimeoutMs: positive(options.attemptTimeoutMs, 10_000, 'attemptTimeoutMs'),
    delay: (retry) => fullJitter(backoff, retry, random),
    retryServerErrors: options.retryServerErrors ?? false,
    bufferBody: options.bufferBody ?? false,
    onAttempt: options.onAttempt,
    sleep: options.sleep ?? abortableSleep,
  };
}
