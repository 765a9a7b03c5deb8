import { InvalidArgumentError } from '../errors.js';
import type { IdempotencyOptions } from '../options.js';
import type { Store } from '../store.js';
import { resolveReplayHeaders } from './headers.js';
import { defaultShouldStore } from './policy.js';
import type { HttpRequest, HttpResponse } from './types.js';

export interface HttpIdempotencyOptions extends IdempotencyOptions {
  /** The request header that carries the key. Default `"Idempotency-Key"`. */
  header?: string | undefined;
  /** `true`: a covered request without a key gets 400. `false` (default): it passes through. */
  required?: boolean | undefined;
  /** Whose key it is (tenant, account, API key): the same key in two scopes is two keys. */
  scope?: ((request: HttpRequest) => string | undefined | Promise<string | undefined>) | undefined;
  /** Methods that use keys; others pass through untouched. Default `["POST", "PATCH"]`. */
  methods?: readonly string[] | undefined;
  /**
   * The largest response body, in bytes, held for storing. A larger (streamed) body is sent on
   * to the client as it comes and the key is released. Default: 1 MiB, or less when the
   * store holds less.
   */
  maxBodyBytes?: number | undefined;
  /**
   * Whether a response is stored for replay; `false` releases the key so a retry runs again.
   * Default `defaultShouldStore`: everything except 5xx and 408/409/425/429.
   */
  shouldStore?: ((response: HttpResponse) => boolean) | undefined;
  /** Extra response headers to replay that are not replayed by default (e.g. `"set-cookie"`). */
  replayHeaders?: readonly string[] | undefined;
  /** Your own request fingerprint instead of method + path + query + body. */
  fingerprint?: ((request: HttpRequest) => string) | undefined;
}

export interface ResolvedHttpOptions {
  header: string;
  required: boolean;
  scope: HttpIdempotencyOptions['scope'];
  methods: ReadonlySet<string>;
  maxBodyBytes: number;
  shouldStore: (response: HttpResponse) => boolean;
  replayHeaders: ReadonlySet<string>;
  fingerprint: HttpIdempotencyOptions['fingerprint'];
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Room for the status, the headers and the codec's framing next to the body. */
const RECORD_OVERHEAD = 64 * 1024;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function optionalFunction<F>(value: F | undefined, field: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidArgumentError(field, 'expected a function');
  }
  return value;
}

export function resolveHttpOptions(
  options: HttpIdempotencyOptions,
  store: Store,
): ResolvedHttpOptions {
  const header = options.header ?? 'Idempotency-Key';
  if (typeof header !== 'string' || !TOKEN.test(header)) {
    throw new InvalidArgumentError('header', 'expected a header name');
  }
  const required = options.required ?? false;
  if (typeof required !== 'boolean')
    throw new InvalidArgumentError('required', 'expected a boolean');
  const methods = options.methods ?? ['POST', 'PATCH'];
  if (!Array.isArray(methods) || methods.some((m) => typeof m !== 'string' || !TOKEN.test(m))) {
    throw new InvalidArgumentError('methods', 'expected an array of HTTP method names');
  }
  const storeLimit = store.capabilities.maxResultBytes;
  const fallback = Math.min(
    DEFAULT_MAX_BODY_BYTES,
    storeLimit > 2 * RECORD_OVERHEAD ? storeLimit - RECORD_OVERHEAD : Math.floor(storeLimit / 2),
  );
  const maxBodyBytes = options.maxBodyBytes ?? fallback;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw new InvalidArgumentError('maxBodyBytes', 'expected a whole number of bytes, 0 or more');
  }
  return {
    header: header.toLowerCase(),
    required,
    scope: optionalFunction(options.scope, 'scope'),
    methods: new Set(methods.map((m) => m.toUpperCase())),
    maxBodyBytes,
    shouldStore: optionalFunction(options.shouldStore, 'shouldStore') ?? defaultShouldStore,
    replayHeaders: resolveReplayHeaders(options.replayHeaders),
    fingerprint: optionalFunction(options.fingerprint, 'fingerprint'),
  };
}
