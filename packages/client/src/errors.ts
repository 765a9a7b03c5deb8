import type { IdempotentResponse } from './response.js';

/** An RFC 9457 problem body, as an oncely server (or any other) sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  [member: string]: unknown;
}

/**
 * A 400 or 422 `application/problem+json` answer: the key was misused (another request under
 * the same key, a malformed or missing key, another caller's key). It is a bug in the caller,
 * never retried; the problem body says what happened.
 */
export class IdempotencyProblemError extends Error {
  override readonly name = 'IdempotencyProblemError';
  readonly code = 'idempotency-problem';
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly key: string,
    readonly attempts: number,
    readonly response: IdempotentResponse,
  ) {
    super(
      `${status} ${problem.title ?? 'problem'}${problem.detail ? `: ${problem.detail}` : ''} (Idempotency-Key ${key})`,
    );
  }
}

/** Why the client stopped without an answer it could return. */
export type GaveUpReason =
  /** `maxAttempts` attempts were made. */
  | 'attempts'
  /** The next attempt (or its wait, or the server's `Retry-After`) would end past the deadline. */
  | 'deadline'
  /** The body was a stream sent once; without `bufferBody` or a body factory it cannot be sent again. */
  | 'body-not-replayable';

/**
 * The operation's outcome is unknown: every attempt failed in a way that may be retried later
 * (network error, timeout, 409, 425, 429, 503...). Retrying later with the same `key` is safe:
 * the server runs the operation at most once under it.
 */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  readonly code = 'retries-exhausted';
  constructor(
    readonly reason: GaveUpReason,
    readonly key: string,
    readonly attempts: number,
    /** The last response, when the last attempt got one (its body is buffered, unread). */
    readonly response: IdempotentResponse | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(
      `gave up after ${attempts} attempt(s) (${reason}); the last ${
        response ? `answer was ${response.status}` : 'attempt got no answer'
      } (Idempotency-Key ${key})`,
      options,
    );
  }
}

/** An attempt ran past `attemptTimeoutMs`; it is retried like a network error. */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
  readonly code = 'attempt-timeout';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** The deadline ended an attempt or a wait. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  readonly code = 'deadline';
  constructor(readonly deadlineMs: number) {
    super(`the deadline of ${deadlineMs} ms passed`);
  }
}
