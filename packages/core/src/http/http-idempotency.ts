import { createIdempotency, type Idempotency, type RunContext } from '../engine.js';
import {
  ConflictError,
  CredentialsMismatchError,
  FingerprintMismatchError,
  isOncelyError,
  MissingKeyError,
  type OncelyError,
  type OncelyErrorCode,
  RequestTooDeepError,
} from '../errors.js';
import { replayForClient } from './content-coding.js';
import { bindCredentials, differInCredentialsOnly } from './credentials.js';
import { headerValue, normalizeHeaders } from './headers.js';
import { parseKeyHeader } from './key-header.js';
import { claim, claimOf, STEPPED_ASIDE } from './nesting.js';
import {
  type HttpIdempotencyOptions,
  type ResolvedHttpOptions,
  resolveHttpOptions,
} from './options.js';
import { problemDetails, problemResponse } from './problem.js';
import { requestFingerprint } from './request-fingerprint.js';
import { conflictWaitMs, RunTimes } from './retry-after.js';
import { fromStored, responseCodec, toStored } from './stored-response.js';
import type {
  CapturedResponse,
  HttpDecision,
  HttpRequest,
  HttpResponse,
  ProblemDetails,
} from './types.js';

/**
 * Runs the downstream handler and resolves with what it sent. The binding holds the response
 * (it must not reach the client yet, so a retry that arrives after it never finds the key
 * still running) until `handle` says what to send; only a body past `maxBodyBytes` is streamed
 * at once, reported with `complete: false`.
 */
export type Downstream = (attempt: RunContext) => Promise<CapturedResponse>;

/** What a binding knows about a request besides its normalized form. */
export interface HandleContext<Native> {
  /** The framework's own request, handed to `scope` and `fingerprint`. */
  native: Native;
  /**
   * The object that lives as long as the request (Express `req`, Koa `ctx`): instances that
   * nest on it agree that exactly one handles the request, the innermost.
   */
  carrier?: object;
  /**
   * Called when an inner instance takes the request over while `downstream` runs: undo what
   * the binding did to the response, before the inner instance does its own. `handle` then
   * resolves with `{ action: "yielded" }`.
   */
  onStepAside?: () => void;
}

export interface HttpIdempotency<Native = unknown> {
  /**
   * The whole protocol for one request. `downstream` is called at most once, only when this
   * request owns the key. The promise rejects only with the handler's own error (after the key
   * was released) or a bug in an option function; every protocol answer is a decision.
   */
  handle(
    request: HttpRequest,
    downstream: Downstream,
    context?: HandleContext<Native>,
  ): Promise<HttpDecision>;
  /** The resolved HTTP settings (e.g. `maxBodyBytes` for the binding's capture). */
  readonly settings: Readonly<ResolvedHttpOptions<Native>>;
  /** The engine underneath, for non-HTTP work that shares the store and options. */
  readonly engine: Idempotency;
}

const PASS: HttpDecision = { action: 'pass' };
const YIELDED: HttpDecision = { action: 'yielded' };
/** Errors answered as problems; by brand, so a store on another copy of core counts too. */
const PROBLEMS: readonly OncelyErrorCode[] = [
  'invalid-key',
  'missing-key',
  'conflict',
  'fingerprint-mismatch',
  'credentials-mismatch',
  'store-unavailable',
  'content-coding-not-acceptable',
];

function isProblem(error: unknown): error is OncelyError {
  return PROBLEMS.some((code) => isOncelyError(error, code));
}

/**
 * The framework-free HTTP layer: key header, fingerprint, covered methods, store policy, header
 * filtering, replay and RFC 9457 problems. Bindings adapt a framework to `handle`.
 */
export function createHttpIdempotency<Native = unknown>(
  options: HttpIdempotencyOptions<Native>,
): HttpIdempotency<Native> {
  const engine = createIdempotency(options);
  const settings = resolveHttpOptions(options, engine.settings.store);
  // A codec in the options is the user's choice (e.g. encryption at rest) and applies to
  // responses too; without one, responses are stored in their own compact form.
  const codec = options.codec === undefined ? responseCodec : undefined;
  const self = {};
  // How long attempts took here, so a 409 suggests the expected wait instead of the whole lease.
  const runTimes = new RunTimes();

  function problem(error: OncelyError): HttpDecision {
    if (settings.problems === 'throw') {
      const details = problemDetails(error, settings.problemTypeBase);
      return {
        action: 'throw',
        error: Object.assign(error, details) as OncelyError & ProblemDetails,
      };
    }
    return {
      action: 'send',
      source: 'problem',
      response: problemResponse(error, settings.problemTypeBase),
    };
  }

  async function handle(
    request: HttpRequest,
    downstream: Downstream,
    context?: HandleContext<Native>,
  ): Promise<HttpDecision> {
    if (!settings.methods.has(request.method.toUpperCase())) return PASS;
    const outer = claimOf(context?.carrier);
    // The same instance mounted twice on one request's path: it handles it already.
    if (outer?.owner === self) return PASS;
    let key: string | undefined;
    try {
      key = parseKeyHeader(headerValue(request.headers, settings.header));
    } catch (error) {
      if (isOncelyError(error, 'invalid-key')) return problem(error);
      throw error;
    }
    if (key === undefined) return settings.required ? problem(new MissingKeyError()) : PASS;
    // An outer instance holds the key for this very request: it steps aside for this one.
    if (outer) await outer.stepAside();
    const native = context?.native as Native;
    const scope = settings.scope ? await settings.scope(request, native) : undefined;
    let fingerprint: string;
    try {
      fingerprint = settings.fingerprint
        ? settings.fingerprint(request, native)
        : requestFingerprint(request);
    } catch (error) {
      if (error instanceof RequestTooDeepError) return problem(error);
      throw error;
    }
    if (scope === undefined && settings.credentialHeaders.length > 0) {
      fingerprint = bindCredentials(fingerprint, key, request.headers, settings.credentialHeaders);
    }
    const held = claim(context?.carrier, self, context?.onStepAside);

    const operation = `${request.method.toUpperCase()} ${request.path}`;
    let captured: Captured | undefined;
    try {
      const outcome = await engine.run(
        {
          key,
          scope,
          fingerprint,
          codec,
          shouldStore: () =>
            captured?.complete === true &&
            settings.shouldStore(captured, { unmatchedRoute: captured.unmatchedRoute }),
        },
        async (attempt) => {
          const started = performance.now();
          let response: CapturedResponse;
          try {
            response = await held.wrap(() => downstream(attempt));
          } finally {
            runTimes.record(operation, performance.now() - started);
          }
          captured = {
            status: response.status,
            headers: normalizeHeaders(response.headers),
            body: response.body,
            complete: response.complete,
            unmatchedRoute: response.unmatchedRoute === true,
          };
          return toStored(captured, settings.replayHeaders);
        },
      );
      if (outcome.status === 'replayed') {
        // Never a content-coding the client did not accept (compression mounted after the
        // binding stores the body as the first client accepted it).
        const response = await replayForClient(
          fromStored(outcome.value),
          request.headers,
          settings.contentDecoders,
        );
        return { action: 'send', source: 'replay', response };
      }
      return live(captured as Captured);
    } catch (error) {
      // The handler ran and produced a response: it is the truth and goes out, whether or not
      // the record could be stored (store down, result too large, lease taken over). The engine
      // reported the failure as an event; the key was released or its lease lapses.
      if (captured) return live(captured);
      if (error === STEPPED_ASIDE) {
        held.settled();
        return YIELDED;
      }
      if (error instanceof FingerprintMismatchError && error.storedFingerprint !== undefined) {
        if (differInCredentialsOnly(error.storedFingerprint, fingerprint)) {
          return problem(new CredentialsMismatchError());
        }
      }
      if (error instanceof ConflictError) {
        const waitMs = conflictWaitMs(runTimes.expectedMs(operation), error.retryAfterMs);
        return problem(new ConflictError(waitMs, error.message));
      }
      if (isProblem(error)) return problem(error);
      throw error;
    }
  }

  return { handle, settings, engine };
}

type Captured = HttpResponse & { complete: boolean; unmatchedRoute: boolean };

function live(captured: Captured): HttpDecision {
  if (!captured.complete) return { action: 'done' };
  const { status, headers, body } = captured;
  return { action: 'send', source: 'live', response: { status, headers, body } };
}
