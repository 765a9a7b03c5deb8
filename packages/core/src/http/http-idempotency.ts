import { createIdempotency, type Idempotency, type RunContext } from '../engine.js';
import {
  ConflictError,
  CredentialsMismatchError,
  FingerprintMismatchError,
  isOncelyError,
  MissingKeyError,
  NestingMismatchError,
  type OncelyError,
  type OncelyErrorCode,
  RequestTooDeepError,
} from '../errors.js';
import type { OperationContext } from '../events.js';
import { hashKey } from '../keys.js';
import type { Logger } from '../logger.js';
import { replayForClient } from './content-coding.js';
import { bindCredentials, differInCredentialsOnly } from './credentials.js';
import { normalizeHeaders } from './headers.js';
import {
  type Answers,
  claim,
  claimOf,
  nestedScope,
  nestingMismatch,
  STEPPED_ASIDE,
} from './nesting.js';
import {
  type HttpIdempotencyOptions,
  type ResolvedHttpOptions,
  resolveHttpOptions,
} from './options.js';
import { problemDetails, problemResponse } from './problem.js';
import { requestFingerprint } from './request-fingerprint.js';
import { isKeyProblem, requestKey } from './request-key.js';
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
  carrier?: object | undefined;
  /**
   * Called when an inner instance takes the request over while `downstream` runs: undo what
   * the binding did to the response, before the inner instance does its own. `handle` then
   * resolves with `{ action: "yielded" }`.
   */
  onStepAside?: () => void;
  /**
   * The route pattern that matched (`/orders/:id`), for events and logs: the pattern, or a
   * function of the native request for a framework that learns it only once routing ran.
   */
  route?: string | ((native: Native) => string | undefined) | undefined;
  /** The framework's request id (Fastify's `request.id`), for events and logs. */
  requestId?: string | undefined;
  /** The framework's logger for this request (Fastify's `request.log`), used when the options name none. */
  defaultLogger?: Logger | undefined;
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
  'nesting-mismatch',
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
  const recordHere = (operation: string, ms: number) => runTimes.record(operation, ms);
  // What an outer instance compares with its own, when this one is nested under it.
  const answers: Answers = {
    header: settings.header,
    key: settings.key,
    required: settings.required,
    methods: settings.methods,
    waitMs: engine.settings.waitMs,
    problems: settings.problems,
    problemTypeBase: settings.problemTypeBase,
  };

  function problem(
    error: OncelyError,
    { problems, problemTypeBase }: Pick<Answers, 'problems' | 'problemTypeBase'> = settings,
  ): HttpDecision {
    if (problems === 'throw') {
      const details = problemDetails(error, problemTypeBase);
      return {
        action: 'throw',
        error: Object.assign(error, details) as OncelyError & ProblemDetails,
      };
    }
    return {
      action: 'send',
      source: 'problem',
      response: problemResponse(error, problemTypeBase),
    };
  }

  async function handle(
    request: HttpRequest,
    downstream: Downstream,
    context?: HandleContext<Native>,
  ): Promise<HttpDecision> {
    const method = request.method.toUpperCase();
    const outer = claimOf(context?.carrier);
    // The same instance mounted twice on one request's path: it handles it already.
    if (outer?.owner === self) return PASS;
    if (outer) {
      // An outer instance holds the key for this very request: it steps aside, whatever this
      // one then does. It answered requests for this route on its own only with settings this
      // one must share; one that differs is refused every time, before anything runs.
      await outer.stepAside();
      // An outer instance from an older copy of core says nothing about its answers.
      const theirs = outer.answers;
      const setting = theirs && nestingMismatch(answers, theirs, method);
      // Answered the outer's way: the one the app's own error handling is set up for.
      if (theirs && setting) return problem(new NestingMismatchError(setting), theirs);
    }
    if (!settings.methods.has(method)) return PASS;
    const native = context?.native as Native;
    let key: string | undefined;
    try {
      const found = requestKey(settings, request, native);
      key = typeof found === 'object' ? await found : found;
    } catch (error) {
      if (isKeyProblem(error)) return problem(error as OncelyError);
      throw error;
    }
    if (key === undefined) return settings.required ? problem(new MissingKeyError()) : PASS;
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
    // A run is also told to the instance this one took the request from: its own 409s for the
    // route (a duplicate that arrives during a hand-over) then suggest the route's run time.
    const recordRun = outer
      ? (operation: string, ms: number) => {
          runTimes.record(operation, ms);
          outer.recordRun?.(operation, ms);
        }
      : recordHere;
    const held = claim(context?.carrier, self, answers, recordRun, context?.onStepAside);

    const operation = `${method} ${request.path}`;
    // The framework's logger stands in only when the options name none (`false` is none).
    const logger = options.logger === undefined ? context?.defaultLogger : undefined;
    const observed =
      engine.settings.onEvent !== undefined ||
      engine.settings.logger !== undefined ||
      logger !== undefined;
    let captured: Captured | undefined;
    try {
      const outcome = await engine.run(
        {
          key,
          // Nested under an outer instance: a key space the outer never looks into.
          scope: outer ? (nestedScope(scope) as string | undefined) : scope,
          fingerprint,
          codec,
          logger,
          context: observed ? describe(request, scope, context) : undefined,
          shouldStore: () =>
            captured?.complete === true &&
            settings.shouldStore(captured, { unmatchedRoute: captured.unmatchedRoute }),
        },
        async (attempt) => {
          const started = performance.now();
          let response: CapturedResponse;
          try {
            response = await held.wrap(() => downstream(attempt));
          } catch (error) {
            // Stepping aside is no run: the inner instance records the attempt it makes.
            if (error !== STEPPED_ASIDE) recordRun(operation, performance.now() - started);
            throw error;
          }
          recordRun(operation, performance.now() - started);
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
    } finally {
      held.leave();
    }
  }

  return { handle, settings, engine };
}

/**
 * The request's context for events and log lines, made only when someone listens: method,
 * route pattern, request id and a hash of the scope. A route the framework learns only once
 * routing ran (Express mounted on the app) is looked up again until it is known.
 */
function describe<Native>(
  request: HttpRequest,
  scope: string | undefined,
  context: HandleContext<Native> | undefined,
): () => OperationContext {
  let known: OperationContext | undefined;
  let scopeHash: string | undefined;
  return () => {
    if (known) return known;
    const source = context?.route;
    const route = typeof source === 'function' ? source(context?.native as Native) : source;
    if (scope !== undefined) scopeHash ??= hashKey(scope);
    const described: OperationContext = {
      method: request.method.toUpperCase(),
      route,
      requestId: context?.requestId,
      scopeHash,
    };
    if (route !== undefined || typeof source !== 'function') known = described;
    return described;
  };
}

type Captured = HttpResponse & { complete: boolean; unmatchedRoute: boolean };

function live(captured: Captured): HttpDecision {
  if (!captured.complete) return { action: 'done' };
  const { status, headers, body } = captured;
  return { action: 'send', source: 'live', response: { status, headers, body } };
}
