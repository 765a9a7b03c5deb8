import { InvalidArgumentError, PROBLEM_BASE } from '../errors.js';
import type { IdempotencyOptions } from '../options.js';
import type { Store } from '../store.js';
import type { ContentDecoders } from './content-coding.js';
import { resolveCredentialHeaders } from './credentials.js';
import { resolveReplayHeaders } from './headers.js';
import { nodeContentDecoders } from './node-content-decoders.js';
import { defaultShouldStore } from './policy.js';
import type { HttpRequest, HttpResponse, ResponseContext } from './types.js';

/**
 * The HTTP options. `Native` is the framework's own request (Express `req`, Fastify `request`,
 * Koa `ctx`), handed to `scope` and `fingerprint` next to the normalized request.
 */
export interface HttpIdempotencyOptions<Native = unknown> extends IdempotencyOptions {
  /** The request header that carries the key. Default `"Idempotency-Key"`. */
  header?: string | undefined;
  /**
   * Take the key from the request instead of the header: e.g. a webhook's event id from its
   * verified body. It gets the normalized request and the framework's own. Its answer is
   * checked as a header's is (1..255 visible ASCII, else 400 `invalid-key`); `undefined` or
   * `null` is no key (400 `missing-key` when `required`, else the request passes through).
   * When `key` is set, the header is neither read nor checked. An `InvalidKeyError` or
   * `MissingKeyError` it throws is answered as that 400; any other error goes to the
   * framework's error handling, with nothing run and no key touched.
   */
  key?:
    | ((
        request: HttpRequest,
        native: Native,
      ) => string | null | undefined | Promise<string | null | undefined>)
    | undefined;
  /** `true`: a covered request without a key gets 400. `false` (default): it passes through. */
  required?: boolean | undefined;
  /**
   * Whose key it is (the authenticated user, tenant, account): the same key in two scopes is
   * two keys. It gets the framework's own request as well, so an auth middleware's result
   * (`req.user`, `request.user`, `ctx.state.user`) is at hand; mount auth before oncely.
   */
  scope?:
    | ((request: HttpRequest, native: Native) => string | undefined | Promise<string | undefined>)
    | undefined;
  /**
   * The request headers that say who is calling. When no `scope` is set, a key is bound to
   * their values (a hash of them is part of the fingerprint): a request with other credentials
   * is refused with 422 `credentials-mismatch`, never given the first caller's response and
   * never run again under the key. Default `["authorization", "cookie",
   * "proxy-authorization"]` without `scope`, `[]` with one; `[]` turns the binding off.
   */
  credentialHeaders?: readonly string[] | undefined;
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
   * Default `defaultShouldStore`: everything except 5xx, 401/403, 408/409/425/429 and a
   * response the framework made because no route matched.
   */
  shouldStore?: ((response: HttpResponse, context: ResponseContext) => boolean) | undefined;
  /** Extra response headers to replay that are not replayed by default (e.g. `"set-cookie"`). */
  replayHeaders?: readonly string[] | undefined;
  /** Your own request fingerprint instead of method + path + query + body. */
  fingerprint?: ((request: HttpRequest, native: Native) => string) | undefined;
  /**
   * How 400/409/422/503 problems reach the client. `"send"` (default): the binding writes the
   * RFC 9457 response itself. `"throw"`: the `OncelyError` goes to the framework's error
   * handling (Express `next(error)`, Fastify's error handler, Koa's error middleware) with
   * `status`, `statusCode`, `headers` (e.g. `Retry-After`) and `problem` (the RFC 9457 body).
   */
  problems?: 'send' | 'throw' | undefined;
  /** The base of each problem's `type` URI, before its code. Default `"https://oncely.dev/problems/"`. */
  problemTypeBase?: string | undefined;
  /**
   * How a replay undoes a content-coding the retrying client did not accept, by coding name.
   * Default `nodeContentDecoders` (node:zlib: gzip, deflate, br; Bun and workerd with
   * `nodejs_compat` have it too); `webContentDecoders` uses `DecompressionStream` instead. A
   * coding without a decoder is answered 406 to a client that does not accept it.
   */
  contentDecoders?: ContentDecoders | undefined;
}

export interface ResolvedHttpOptions<Native = unknown> {
  header: string;
  key: HttpIdempotencyOptions<Native>['key'];
  required: boolean;
  scope: HttpIdempotencyOptions<Native>['scope'];
  credentialHeaders: readonly string[];
  methods: ReadonlySet<string>;
  maxBodyBytes: number;
  shouldStore: (response: HttpResponse, context: ResponseContext) => boolean;
  replayHeaders: ReadonlySet<string>;
  fingerprint: HttpIdempotencyOptions<Native>['fingerprint'];
  problems: 'send' | 'throw';
  problemTypeBase: string;
  contentDecoders: ContentDecoders;
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

export function resolveHttpOptions<Native>(
  options: HttpIdempotencyOptions<Native>,
  store: Store,
): ResolvedHttpOptions<Native> {
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
  const problems = options.problems ?? 'send';
  if (problems !== 'send' && problems !== 'throw') {
    throw new InvalidArgumentError('problems', 'expected "send" or "throw"');
  }
  const problemTypeBase = options.problemTypeBase ?? PROBLEM_BASE;
  if (typeof problemTypeBase !== 'string' || !URL.canParse(problemTypeBase)) {
    throw new InvalidArgumentError('problemTypeBase', 'expected an absolute URI');
  }
  const scope = optionalFunction(options.scope, 'scope');
  return {
    header: header.toLowerCase(),
    key: optionalFunction(options.key, 'key'),
    required,
    scope,
    credentialHeaders: resolveCredentialHeaders(options.credentialHeaders, scope !== undefined),
    methods: new Set(methods.map((m) => m.toUpperCase())),
    maxBodyBytes,
    shouldStore: optionalFunction(options.shouldStore, 'shouldStore') ?? defaultShouldStore,
    replayHeaders: resolveReplayHeaders(options.replayHeaders),
    fingerprint: optionalFunction(options.fingerprint, 'fingerprint'),
    problems,
    problemTypeBase,
    contentDecoders: resolveDecoders(options.contentDecoders),
  };
}

function resolveDecoders(decoders: ContentDecoders | undefined): ContentDecoders {
  if (decoders === undefined) return nodeContentDecoders;
  if (typeof decoders !== 'object' || decoders === null) {
    throw new InvalidArgumentError('contentDecoders', 'expected an object of decoders by coding');
  }
  for (const [coding, decode] of Object.entries(decoders)) {
    if (decode !== undefined && typeof decode !== 'function') {
      throw new InvalidArgumentError(
        'contentDecoders',
        `the decoder for ${coding} is not a function`,
      );
    }
  }
  // Coding names are matched in lower case, as `contentCodings` gives them.
  return Object.fromEntries(Object.entries(decoders).map(([c, d]) => [c.toLowerCase(), d]));
}
