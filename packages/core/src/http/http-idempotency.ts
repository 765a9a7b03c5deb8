import { createIdempotency, type Idempotency, type RunContext } from '../engine.js';
import {
  isOncelyError,
  MissingKeyError,
  type OncelyError,
  type OncelyErrorCode,
} from '../errors.js';
import { headerValue, normalizeHeaders } from './headers.js';
import { parseKeyHeader } from './key-header.js';
import {
  type HttpIdempotencyOptions,
  type ResolvedHttpOptions,
  resolveHttpOptions,
} from './options.js';
import { problemResponse } from './problem.js';
import { requestFingerprint } from './request-fingerprint.js';
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
/** Errors answered as problems; by brand, so a store on another copy of core counts too. */
const PROBLEMS: readonly OncelyErrorCode[] = [
  'invalid-key',
  'missing-key',
  'conflict',
  'fingerprint-mismatch',
  'store-unavailable',
];

function isProblem(error: unknown): error is OncelyError {
  return PROBLEMS.some((code) => isOncelyError(error, code));
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

  async function handle(request: HttpRequest, downstream: Downstream): Promise<HttpDecision> {
    if (!settings.methods.has(request.method.toUpperCase())) return PASS;
    let key: string | undefined;
    try {
      key = parseKeyHeader(headerValue(request.headers, settings.header));
    } catch (error) {
      if (isOncelyError(error, 'invalid-key')) return problem(error);
      throw error;
    }
    if (key === undefined) return settings.required ? problem(new MissingKeyError()) : PASS;
    const scope = settings.scope ? await settings.scope(request) : undefined;
    const fingerprint = settings.fingerprint
      ? settings.fingerprint(request)
      : requestFingerprint(request);

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
          const response = await downstream(attempt);
          captured = { ...response, headers: normalizeHeaders(response.headers) };
          return toStored(captured, settings.replayHeaders);
        },
      );
      if (outcome.status === 'replayed') {
        return { action: 'send', source: 'replay', response: fromStored(outcome.value) };
      }
      return live(captured as Captured);
    } catch (error) {
      // The handler ran and produced a response: it is the truth and goes out, whether or not
      // the record could be stored (store down, result too large, lease taken over). The engine
      // reported the failure as an event; the key was released or its lease lapses.
      if (captured) return live(captured);
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
