/**
 * Typed errors. Each has a stable `code` and one RFC 9457 problem type URI, so the HTTP layer
 * and users can map them without string matching.
 */

export const PROBLEM_BASE = 'https://oncely.dev/problems/';

export abstract class OncelyError extends Error {
  abstract readonly code: string;
  /** Suggested HTTP status when the error reaches a client. */
  abstract readonly status: number;
  get type(): string {
    return PROBLEM_BASE + this.code;
  }
  /** The same as `status`, under the name Fastify's error handler reads. */
  get statusCode(): number {
    return this.status;
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A function was given a bad argument or option; `field` names it. */
export class InvalidArgumentError extends OncelyError {
  readonly code: string = 'invalid-argument';
  readonly status: number = 500;
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/**
 * The request nests deeper than a fingerprint walks (`maxDepth` levels of objects and arrays):
 * an `InvalidArgumentError` for `run({ request })`, and over HTTP a 400 problem, since the
 * client sent it. Bounded so a hostile body cannot overflow the stack; nothing was run.
 */
export class RequestTooDeepError extends InvalidArgumentError {
  override readonly code = 'request-too-deep';
  override readonly status = 400;
  constructor(readonly maxDepth: number) {
    super('request', `nests deeper than ${maxDepth} levels of objects and arrays`);
  }
}

/** The operation requires an idempotency key and none was given. */
export class MissingKeyError extends OncelyError {
  readonly code = 'missing-key';
  readonly status = 400;
  constructor(message = 'An idempotency key is required for this operation.') {
    super(message);
  }
}

/** The idempotency key is malformed (empty, too long, not visible ASCII, bad sf-string). */
export class InvalidKeyError extends OncelyError {
  readonly code = 'invalid-key';
  readonly status = 400;
}

/** Another attempt with the same key is still running. */
export class ConflictError extends OncelyError {
  readonly code = 'conflict';
  readonly status = 409;
  constructor(
    /**
     * Milliseconds to wait before retrying. From the engine: until the running attempt's lease
     * ends. Over HTTP: how long the running attempt is likely to take, bounded by that lease.
     */
    readonly retryAfterMs: number,
    message = 'A request with this idempotency key is still being processed.',
  ) {
    super(message);
  }
}

/** The key was used before with a different request. */
export class FingerprintMismatchError extends OncelyError {
  readonly code = 'fingerprint-mismatch';
  readonly status = 422;
  constructor(
    message = 'This idempotency key was already used with a different request.',
    /** The fingerprint the key is bound to, for a layer that tells apart why they differ. */
    readonly storedFingerprint?: string,
  ) {
    super(message);
  }
}

/**
 * The key was used before by a request with other credentials (`Authorization`, `Cookie`...)
 * and no `scope` says whose key it is: its response is not replayed to this caller, and the
 * operation is not run again under the same key.
 */
export class CredentialsMismatchError extends OncelyError {
  readonly code = 'credentials-mismatch';
  readonly status = 422;
  constructor(
    message = 'This idempotency key was already used by a request with other credentials.',
  ) {
    super(message);
  }
}

/**
 * The stored response has a content-coding this request does not accept and that cannot be
 * undone here (no decoder for it): sending it would hand the client bytes it cannot read. The
 * operation ran once and stays stored; a retry that accepts `codings` gets it.
 */
export class ContentCodingNotAcceptableError extends OncelyError {
  readonly code = 'content-coding-not-acceptable';
  readonly status = 406;
  constructor(readonly codings: readonly string[]) {
    super(
      `The stored response is encoded with ${codings.join(', ')}, which this request's Accept-Encoding does not accept; retry with Accept-Encoding: ${codings.join(', ')}.`,
    );
  }
}

/** The store could not be reached or failed; nothing was run. */
export class StoreUnavailableError extends OncelyError {
  readonly code = 'store-unavailable';
  readonly status = 503;
  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs ?? 1000;
  }
  readonly retryAfterMs: number;
}

/**
 * This attempt lost the key (its lease lapsed and another attempt took over, or the record was
 * removed) before it could store its result. The operation did run: `result` holds what it
 * returned, and the newer owner's result stands.
 */
export class OwnershipLostError extends OncelyError {
  readonly code = 'ownership-lost';
  readonly status = 409;
  constructor(
    message: string,
    readonly fence: number,
    readonly result?: unknown,
  ) {
    super(message);
  }
}

/** The encoded result is larger than the store accepts; the key was released. */
export class ResultTooLargeError extends OncelyError {
  readonly code = 'result-too-large';
  readonly status = 500;
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`The result is ${size} bytes; the store accepts at most ${limit}.`);
  }
}

/** The result holds a value the codec cannot store faithfully; `path` says where. */
export class ResultEncodingError extends OncelyError {
  readonly code = 'result-encoding';
  readonly status = 500;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Cannot store the result at ${path}: ${reason}`);
  }
}
