import { type BodySource, needsDuplex, prepareBody } from './body.js';
import {
  AttemptTimeoutError,
  DeadlineError,
  IdempotencyProblemError,
  type Problem,
  RetriesExhaustedError,
} from './errors.js';
import { checkKey, keyHeaderValue } from './key.js';
import {
  type AttemptEvent,
  type ClientOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { buffered, type IdempotentResponse, isReplay, withInfo } from './response.js';
import { parseRetryAfter } from './retry-after.js';
import { isMisuse, isRetryableStatus } from './retryable.js';
import { anySignal, timeoutSignal } from './signals.js';

/** `RequestInit`, plus the operation's key and a body that may be a factory. */
export interface IdempotentRequestInit extends Omit<RequestInit, 'body'> {
  /**
   * The operation's key. Give the same one to calls that are the same operation (a form
   * submitted from two tabs, a job resumed after a crash); leave it out and each call is its own
   * operation with a fresh key. A key already in the request's headers is used as well.
   */
  idempotencyKey?: string;
  /** The body, or a function that returns the same body for every attempt (e.g. a file stream). */
  body?: BodySource;
  /** Read a stream body into memory once so it can be retried (overrides the client's `bufferBody`). */
  bufferBody?: boolean;
}

export interface IdempotentClient {
  /**
   * `fetch`, for the covered methods with one key per call and safe retries. Resolves with the
   * first answer that is not retried (2xx, 3xx, 4xx other than a 400/422 problem, 5xx other
   * than 503 unless `retryServerErrors`), body read, with `response.idempotency`. Rejects with
   * `IdempotencyProblemError` for a 400/422 problem, `RetriesExhaustedError` when attempts or
   * the deadline run out, and the signal's reason when the caller aborts.
   */
  fetch(input: string | URL | Request, init?: IdempotentRequestInit): Promise<IdempotentResponse>;
  /** The resolved settings. */
  readonly settings: Readonly<ResolvedOptions>;
}

/** The fields of a `Request` input carried over to each attempt besides method, headers, body. */
const REQUEST_FIELDS = [
  'cache',
  'credentials',
  'integrity',
  'keepalive',
  'mode',
  'redirect',
  'referrer',
  'referrerPolicy',
] as const;

export function createClient(options: ClientOptions = {}): IdempotentClient {
  const settings = resolveOptions(options);
  return {
    settings,
    fetch: (input, init = {}) => send(settings, input, init),
  };
}

async function send(
  settings: ResolvedOptions,
  input: string | URL | Request,
  init: IdempotentRequestInit,
): Promise<IdempotentResponse> {
  const request = typeof Request !== 'undefined' && input instanceof Request ? input : undefined;
  const {
    idempotencyKey,
    bufferBody,
    body: initBody,
    signal: initSignal,
    headers: initHeaders,
    method: initMethod,
    ...rest
  } = init;
  const url = request ? request.url : String(input);
  const method = (initMethod ?? request?.method ?? 'GET').toUpperCase();
  const callerSignal = anySignal([request?.signal, initSignal]);
  try {
    callerSignal.signal.throwIfAborted();
    const carried: RequestInit = { ...rest };
    if (request) {
      for (const field of REQUEST_FIELDS) {
        if ((rest as Record<string, unknown>)[field] === undefined) {
          Object.assign(carried, {
            [field]: (request as unknown as Record<string, unknown>)[field],
          });
        }
      }
    }
    const headers = new Headers(request?.headers);
    for (const [name, value] of new Headers(initHeaders)) headers.set(name, value);

    if (!settings.methods.has(method)) {
      const source = initBody === undefined && request?.body ? request.body : initBody;
      const body = typeof source === 'function' ? await source() : (source ?? null);
      const response = await settings.fetch(url, {
        ...carried,
        method,
        headers,
        body,
        signal: callerSignal.signal,
        ...(needsDuplex(body) ? { duplex: 'half' } : {}),
      });
      return withInfo(response, { key: undefined, attempts: 1, replayed: isReplay(response) });
    }

    const key = checkKey(
      idempotencyKey ?? headerKey(headers.get(settings.header)) ?? settings.newKey(),
    );
    headers.set(settings.header, keyHeaderValue(key, settings.quoteKey));
    // A Request's body can be read once: it is read into memory, like a buffered stream.
    const body =
      initBody === undefined && request?.body
        ? await prepareBody(await request.arrayBuffer(), true)
        : await prepareBody(initBody, bufferBody ?? settings.bufferBody);
    if (body.contentType !== null && !headers.has('content-type')) {
      headers.set('content-type', body.contentType);
    }
    return await attempts(
      settings,
      { url, method, key, headers, carried, body },
      callerSignal.signal,
    );
  } finally {
    callerSignal.dispose();
  }
}

/** The quotes of an sf-string key the caller wrote into the headers themselves. */
function headerKey(value: string | null): string | undefined {
  if (value === null) return undefined;
  const match = /^"((?:[^"\\]|\\["\\])*)"$/.exec(value.trim());
  return match ? (match[1] as string).replace(/\\(["\\])/g, '$1') : value.trim();
}

interface Operation {
  url: string;
  method: string;
  key: string;
  headers: Headers;
  carried: RequestInit;
  body: Awaited<ReturnType<typeof prepareBody>>;
}

async function attempts(
  settings: ResolvedOptions,
  operation: Operation,
  callerSignal: AbortSignal,
): Promise<IdempotentResponse> {
  const { url, method, key, headers, carried, body } = operation;
  const started = Date.now();
  const deadlineAt = started + settings.deadlineMs;
  const deadline = timeoutSignal(settings.deadlineMs, () => new DeadlineError(settings.deadlineMs));
  const overall = anySignal([callerSignal, deadline.signal]);
  const emit = (event: Omit<AttemptEvent, 'key' | 'method' | 'url' | 'elapsedMs'>) =>
    settings.onAttempt?.({ key, method, url, ...event, elapsedMs: Date.now() - started });
  /** Stop now: the caller's abort wins over the deadline, both over everything else. */
  const stopIfAborted = (cause: unknown, attempt: number, response?: IdempotentResponse) => {
    callerSignal.throwIfAborted();
    if (deadline.signal.aborted) {
      throw new RetriesExhaustedError('deadline', key, attempt, response, { cause });
    }
  };
  try {
    for (let attempt = 1; ; attempt++) {
      let response: IdempotentResponse | undefined;
      let error: unknown;
      const timeout = timeoutSignal(
        settings.attemptTimeoutMs,
        () => new AttemptTimeoutError(settings.attemptTimeoutMs),
      );
      const signal = anySignal([overall.signal, timeout.signal]);
      try {
        const sent = await body.next();
        const answer = await settings.fetch(url, {
          ...carried,
          method,
          headers,
          body: sent,
          signal: signal.signal,
          ...(needsDuplex(sent) ? { duplex: 'half' } : {}),
        });
        response = withInfo(await buffered(answer), {
          key,
          attempts: attempt,
          replayed: isReplay(answer),
        });
      } catch (caught) {
        stopIfAborted(caught, attempt);
        error = timeout.signal.aborted ? timeout.signal.reason : caught;
      } finally {
        timeout.clear();
        signal.dispose();
      }

      const status = response?.status;
      const replayed = response?.idempotency.replayed ?? false;
      if (response && status !== undefined) {
        if (isMisuse(status) && isProblem(response)) {
          emit({ attempt, status, replayed });
          const problem = await readProblem(response, status);
          throw new IdempotencyProblemError(status, problem, key, attempt, response);
        }
        if (!isRetryableStatus(status, settings.retryServerErrors)) {
          emit({ attempt, status, replayed });
          return response;
        }
      }

      const retryAfterMs = response
        ? parseRetryAfter(response.headers.get('retry-after'), Date.now())
        : undefined;
      const outcome = {
        attempt,
        replayed,
        ...(status === undefined ? { error } : { status }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
      const giveUp = (reason: 'attempts' | 'deadline' | 'body-not-replayable') => {
        emit(outcome);
        return new RetriesExhaustedError(reason, key, attempt, response, { cause: error });
      };
      if (!body.replayable) throw giveUp('body-not-replayable');
      if (attempt >= settings.maxAttempts) throw giveUp('attempts');
      // At least what the server asked for, and never less than the jittered backoff.
      const waitMs = Math.max(retryAfterMs ?? 0, settings.delay(attempt));
      if (Date.now() + waitMs >= deadlineAt) throw giveUp('deadline');
      emit({ ...outcome, retryInMs: waitMs });
      try {
        await settings.sleep(waitMs, overall.signal);
      } catch (caught) {
        stopIfAborted(caught, attempt, response);
        throw caught;
      }
    }
  } finally {
    deadline.clear();
    overall.dispose();
  }
}

/** The problem document; a body that is not JSON still yields its status. */
async function readProblem(response: Response, status: number): Promise<Problem> {
  try {
    const parsed: unknown = await response.clone().json();
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Problem;
    }
  } catch {
    // Not JSON, whatever its content type said: the status is all there is to report.
  }
  return { status };
}

function isProblem(response: Response): boolean {
  const type = response.headers.get('content-type') ?? '';
  return /^application\/problem\+json\s*(;|$)/i.test(type);
}
