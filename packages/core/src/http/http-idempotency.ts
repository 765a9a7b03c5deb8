import { createIdempotency, type Idempotency, type RunContext } from '../engine.js';
import {
  ConflictError,
  ContentCodingNotAcceptableError,
  FingerprintMismatchError,
  InvalidKeyError,
  MissingKeyError,
  type OncelyError,
  RequestTooDeepError,
  StoreUnavailableError,
} from '../errors.js';
import { replayForClient } from './content-coding.js';
import { headerValue, normalizeHeaders } from './headers.js';
import { parseKeyHeader } from './key-header.js';
import { nodeContentDecoders } from './node-content-decoders.js';
import {
  type HttpIdempotencyOptions,
  type ResolvedHttpOptions,
  resolveHttpOptions,
} from './options.js';
import { problemResponse } from './problem.js';
import { requestFingerprint } from './request-fingerprint.js';
import { conflictWaitMs, RunTimes } from './retry-after.js';
import { fromStored, responseCodec, toStored } from './stored-response.js';
import type { CapturedResponse, HttpDecision, HttpRequest, HttpResponse } from './types.js';

/**
 * Runs the downstream handler and resolves with what it sent. The binding holds the response
 * (it must not reach the client yet, so a retry that arrives after it never finds the key
 * still running) until `handle` says what to send; only a body past `maxBodyBytes` is streamed
 * at once, reported with `complete: false`.
 */
export type Downstream = (attempt: RunContext) => Promise<CapturedResponse>;

export interface HttpIdempotency {
  /**
   * The whole protocol for one request. `downstream` is called at most once, only when this
   * request owns the key. The promise rejects only with the handler's own error (after the key
   * was released) or a bug in an option function; every protocol answer is a decision.
   */
  handle(request: HttpRequest, downstream: Downstream): Promise<HttpDecision>;
  /** The resolved HTTP settings (e.g. `maxBodyBytes` for the binding's capture). */
  readonly settings: Readonly<ResolvedHttpOptions>;
  /** The engine underneath, for non-HTTP work that shares the store and options. */
  readonly engine: Idempotency;
}

const PASS: HttpDecision = { action: 'pass' };
const PROBLEMS = [
  InvalidKeyError,
  MissingKeyError,
  ConflictError,
  FingerprintMismatchError,
  StoreUnavailableError,
  ContentCodingNotAcceptableError,
];

function isProblem(error: unknown): error is OncelyError {
  return PROBLEMS.some((type) => error instanceof type);
}

function problem(error: OncelyError): HttpDecision {
  return { action: 'send', source: 'problem', response: problemResponse(error) };
}

/**
 * The framework-free HTTP layer: key header, fingerprint, covered methods, store policy, header
 * filtering, replay and RFC 9457 problems. Bindings adapt a framework to `handle`.
 */
export function createHttpIdempotency(options: HttpIdempotencyOptions): HttpIdempotency {
  const engine = createIdempotency(options);
  const settings = resolveHttpOptions(options, engine.settings.store);
  // A codec in the options is the user's choice (e.g. encryption at rest) and applies to
  // responses too; without one, responses are stored in their own compact form.
  const codec = options.codec === undefined ? responseCodec : undefined;
  // How long attempts took here, so a 409 suggests the expected wait instead of the whole lease.
  const runTimes = new RunTimes();

  async function handle(request: HttpRequest, downstream: Downstream): Promise<HttpDecision> {
    if (!settings.methods.has(request.method.toUpperCase())) return PASS;
    let key: string | undefined;
    try {
      key = parseKeyHeader(headerValue(request.headers, settings.header));
    } catch (error) {
      if (error instanceof InvalidKeyError) return problem(error);
      throw error;
    }
    if (key === undefined) return settings.required ? problem(new MissingKeyError()) : PASS;
    const scope = settings.scope ? await settings.scope(request) : undefined;
    let fingerprint: string;
    try {
      fingerprint = settings.fingerprint
        ? settings.fingerprint(request)
        : requestFingerprint(request);
    } catch (error) {
      if (error instanceof RequestTooDeepError) return problem(error);
      throw error;
    }

    const operation = `${request.method.toUpperCase()} ${request.path}`;
    let captured: Captured | undefined;
    try {
      const outcome = await engine.run(
        {
          key,
          scope,
          fingerprint,
          codec,
          shouldStore: () => captured?.complete === true && settings.shouldStore(captured),
        },
        async (attempt) => {
          const started = performance.now();
          let response: CapturedResponse;
          try {
            response = await downstream(attempt);
          } finally {
            runTimes.record(operation, performance.now() - started);
          }
          captured = { ...response, headers: normalizeHeaders(response.headers) };
          return toStored(captured, settings.replayHeaders);
        },
      );
      if (outcome.status === 'replayed') {
        // Never a content-coding the client did not accept (compression mounted after the
        // binding stores the body as the first client accepted it).
        const response = await replayForClient(
          fromStored(outcome.value),
          request.headers,
          nodeContentDecoders,
        );
        return { action: 'send', source: 'replay', response };
      }
      return live(captured as Captured);
    } catch (error) {
      // The handler ran and produced a response: it is the truth and goes out, whether or not
      // the record could be stored (store down, result too large, lease taken over). The engine
      // reported the failure as an event; the key was released or its lease lapses.
      if (captured) return live(captured);
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

type Captured = HttpResponse & { complete: boolean };

function live(captured: Captured): HttpDecision {
  if (!captured.complete) return { action: 'done' };
  const { complete: _complete, ...response } = captured;
  return { action: 'send', source: 'live', response };
}
