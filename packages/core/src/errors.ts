/**
 * Typed errors. Each has a stable `code` and one RFC 9457 problem type URI, so the HTTP layer
 * and users can map them without string matching.
 *
 * Identity is a brand, not the class object: an app can hold two copies of this module (the
 * ESM and the CJS build, or two versions side by side), and a store loaded through one copy
 * throws errors whose classes the other copy has never seen. Every error carries its code
 * under a registry-wide symbol, `instanceof` on each class compares that brand, and
 * `isOncelyError` checks it without a class at all.
 */

export const PROBLEM_BASE = 'https://oncely.dev/problems/';

/** Shared by every copy of core in the process: `Symbol.for` is one registry per realm. */
const BRAND: unique symbol = Symbol.for('oncely.error') as never;

/** The code an oncely error carries, from whichever copy of core made it. */
function brandOf(value: unknown): string | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return undefined;
  }
  const brand = (value as { [BRAND]?: unknown })[BRAND];
  return typeof brand === 'string' ? brand : undefined;
}

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

  /**
   * `error instanceof ConflictError` holds for a conflict made by any copy of core:
   * `OncelyError` matches every branded error, a class of ours matches its own code, and a
   * subclass of your own (no static `code` of its own) falls back to the prototype chain.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: the class on the right of `instanceof`
    return isInstance(this, value);
  }
}

// Outside the class bodies on purpose: a class that names itself inside its body is emitted
// by the bundler as `class _Name`, and `error.name` (from `new.target.name`) would change.
function isInstance(target: unknown, value: unknown): boolean {
  if (target === OncelyError) return brandOf(value) !== undefined;
  const own = target as { code?: unknown };
  if (Object.hasOwn(own, 'code')) {
    // A code matches its own class and the classes it extends (request-too-deep is an
    // invalid-argument), whichever copy of core made the error.
    for (let code = brandOf(value); code !== undefined; code = PARENT_CODE[code]) {
      if (code === own.code) return true;
    }
    return false;
  }
  return Function.prototype[Symbol.hasInstance].call(target, value);
}

/** The code of the class an error class of ours extends, where that is not OncelyError. */
const PARENT_CODE: Readonly<Record<string, string>> = { 'request-too-deep': 'invalid-argument' };

// The brand is the error's own code, read through the prototype so that subclasses (ours and
// yours) carry it without setting anything per instance.
Object.defineProperty(OncelyError.prototype, BRAND, {
  get(this: OncelyError): string {
    return this.code;
  },
});

/** A function was given a bad argument or option; `field` names it. */
export class InvalidArgumentError extends OncelyError {
  static readonly code: string = 'invalid-argument';
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
  static override readonly code = 'request-too-deep';
  override readonly code = 'request-too-deep';
  override readonly status = 400;
  constructor(readonly maxDepth: number) {
    super('request', `nests deeper than ${maxDepth} levels of objects and arrays`);
  }
}

/** The operation requires an idempotency key and none was given. */
export class MissingKeyError extends OncelyError {
  static readonly code = 'missing-key';
  readonly code = 'missing-key';
  readonly status = 400;
  constructor(message = 'An idempotency key is required for this operation.') {
    super(message);
  }
}

/** The idempotency key is malformed (empty, too long, not visible ASCII, bad sf-string). */
export class InvalidKeyError extends OncelyError {
  static readonly code = 'invalid-key';
  readonly code = 'invalid-key';
  readonly status = 400;
}

/** Another attempt with the same key is still running. */
export class ConflictError extends OncelyError {
  static readonly code = 'conflict';
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
  static readonly code = 'fingerprint-mismatch';
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
  static readonly code = 'credentials-mismatch';
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
  static readonly code = 'content-coding-not-acceptable';
  readonly code = 'content-coding-not-acceptable';
  readonly status = 406;
  constructor(readonly codings: readonly string[]) {
    super(
      `The stored response is encoded with ${codings.join(', ')}, which this request's Accept-Encoding does not accept; retry with Accept-Encoding: ${codings.join(', ')}.`,
    );
  }
}

/**
 * A route-level registration nested under an app-level one (Express, Koa) differs from it in a
 * setting the app-level one answers with before it can know the route has its own: `setting`
 * names it. The app-level one stepped aside and nothing ran; the fix is to set it the same in
 * both registrations, or to register oncely only on the routes.
 */
export class NestingMismatchError extends OncelyError {
  static readonly code = 'nesting-mismatch';
  readonly code = 'nesting-mismatch';
  readonly status = 500;
  constructor(readonly setting: string) {
    super(
      `This route's idempotency middleware sets \`${setting}\` differently from the app-level one. The app-level middleware answers some requests for this route before it can know the route has its own (a malformed or missing key, a duplicate that arrives while it hands the request over), so \`${setting}\` cannot differ per route: set it the same in both registrations, or register oncely only on the routes.`,
    );
  }
}

/** The store could not be reached or failed; nothing was run. */
export class StoreUnavailableError extends OncelyError {
  static readonly code = 'store-unavailable';
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
  static readonly code = 'ownership-lost';
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
  static readonly code = 'result-too-large';
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
  static readonly code = 'result-encoding';
  readonly code = 'result-encoding';
  readonly status = 500;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Cannot store the result at ${path}: ${reason}`);
  }
}

/** Every error core throws, by its code. */
export interface OncelyErrorsByCode {
  'invalid-argument': InvalidArgumentError;
  'request-too-deep': RequestTooDeepError;
  'missing-key': MissingKeyError;
  'invalid-key': InvalidKeyError;
  conflict: ConflictError;
  'fingerprint-mismatch': FingerprintMismatchError;
  'credentials-mismatch': CredentialsMismatchError;
  'content-coding-not-acceptable': ContentCodingNotAcceptableError;
  'store-unavailable': StoreUnavailableError;
  'nesting-mismatch': NestingMismatchError;
  'ownership-lost': OwnershipLostError;
  'result-too-large': ResultTooLargeError;
  'result-encoding': ResultEncodingError;
}

export type OncelyErrorCode = keyof OncelyErrorsByCode;

/**
 * Whether `value` is an oncely error (of `code`, when given), made by any copy of core: the
 * ESM or CJS build, or another installed version. Prefer it to `instanceof` where a value may
 * come from code you do not control.
 */
export function isOncelyError(value: unknown): value is OncelyError;
export function isOncelyError<C extends OncelyErrorCode>(
  value: unknown,
  code: C,
): value is OncelyErrorsByCode[C];
export function isOncelyError(value: unknown, code?: OncelyErrorCode): boolean {
  const brand = brandOf(value);
  if (brand === undefined) return false;
  if (code === undefined) return true;
  for (let own: string | undefined = brand; own !== undefined; own = PARENT_CODE[own]) {
    if (own === code) return true;
  }
  return false;
}
