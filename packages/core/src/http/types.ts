import type { OncelyError } from '../errors.js';

/** Header values as node and the frameworks hand them over (names in lower case). */
export type HttpHeaders = Record<string, string | string[] | number | undefined>;

/** A request, normalized by a binding. */
export interface HttpRequest {
  /** The method, any case. */
  method: string;
  /** The path without the query, e.g. `/orders/7`. */
  path: string;
  /** The raw query string without `?`, e.g. `a=1&b=2`; empty or undefined for none. */
  query?: string | undefined;
  /** The request headers, names in lower case. */
  headers: HttpHeaders;
  /**
   * The body as the framework parsed it: bytes (`Buffer`/`Uint8Array`), a string, parsed data
   * (a JSON object, a form), or `undefined` when there is none or nothing parsed it.
   */
  body?: unknown;
}

/** A response: status, headers (names in lower case) and the exact body bytes. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Uint8Array;
}

/**
 * What the downstream handler sent, as the binding captured it. `complete: false` means the body
 * grew past `maxBodyBytes`, so the binding streamed it to the client instead of holding it:
 * `body` is then only the part read so far, and the response is not stored.
 */
export interface CapturedResponse {
  status: number;
  /** The response's headers as the framework holds them; core normalizes them. */
  headers: HttpHeaders;
  body: Uint8Array;
  complete: boolean;
  /** The framework made this response because no route matched (e.g. its default 404). */
  unmatchedRoute?: boolean;
}

/** What the store policy knows about a response besides the response itself. */
export interface ResponseContext {
  /** The framework made it because no route matched (Express's final 404, Fastify's not-found handler, Koa's unmatched 404). */
  unmatchedRoute: boolean;
}

/** What a binding must do next. */
export type HttpDecision =
  /** Run the request as if oncely were not there (method not covered, or no key and optional). */
  | { action: 'pass' }
  /**
   * Send exactly this response: `live` is what the handler just produced (now stored, or
   * released by the policy), `replay` a stored response, `problem` an RFC 9457 error.
   */
  | { action: 'send'; source: 'live' | 'replay' | 'problem'; response: HttpResponse }
  /**
   * With `problems: "throw"`: hand `error` (it carries `status`, `statusCode`, `headers` and
   * `problem`) to the framework's error handling instead of sending the problem.
   */
  | { action: 'throw'; error: OncelyError & ProblemDetails }
  /** Nothing more: the handler's response was streamed past the limit and is on its way. */
  | { action: 'done' }
  /** An inner instance (a route-level registration) took the request over: leave it alone. */
  | { action: 'yielded' };

/** What a problem error carries for an app's own error handling. */
export interface ProblemDetails {
  /** Response headers the problem needs (`Retry-After` on 409 and 503). */
  headers: Record<string, string>;
  /** The RFC 9457 body: `type`, `title`, `status`, `detail`. */
  problem: { type: string; title: string; status: number; detail: string };
}
