import type { OncelyEvent } from '@oncely/core';
import type { Attributes } from '@opentelemetry/api';

/**
 * Attribute names. OpenTelemetry's semantic conventions where one exists (`http.*`,
 * `error.type`); `oncely.*` for what is ours.
 */
export const ATTR = {
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  errorType: 'error.type',
  outcome: 'oncely.outcome',
  fence: 'oncely.fence',
  store: 'oncely.store',
  stored: 'oncely.stored',
  handlerRan: 'oncely.handler_ran',
  keyHash: 'oncely.key_hash',
  scopeHash: 'oncely.scope_hash',
  requestId: 'oncely.request_id',
  waitMs: 'oncely.wait_ms',
  acquireMs: 'oncely.acquire_ms',
  handlerMs: 'oncely.handler_ms',
  completeMs: 'oncely.complete_ms',
  storeOperation: 'oncely.store.operation',
  fenceOperation: 'oncely.fence.operation',
  background: 'oncely.background',
  backgroundResult: 'oncely.background.result',
} as const;

const KNOWN_CONTEXT = new Set(['method', 'route', 'requestId', 'scopeHash']);

/** Low-cardinality attributes for metrics: the route and method, never a key or request id. */
export function metricAttributes(event: OncelyEvent): Attributes {
  const attributes: Attributes = { [ATTR.store]: event.store };
  const context = event.context;
  if (context?.method !== undefined) attributes[ATTR.httpMethod] = context.method;
  if (context?.route !== undefined) attributes[ATTR.httpRoute] = context.route;
  return attributes;
}

/**
 * For the in-progress count, which must add and subtract with the same attributes: a route that
 * the framework learns only once the handler ran (Express on the app) is left out.
 */
export function countAttributes(event: OncelyEvent): Attributes {
  const attributes: Attributes = { [ATTR.store]: event.store };
  if (event.context?.method !== undefined) attributes[ATTR.httpMethod] = event.context.method;
  return attributes;
}

/** Everything a span carries about its operation. */
export function spanAttributes(event: Extract<OncelyEvent, { type: 'settled' }>): Attributes {
  const attributes = metricAttributes(event);
  const { context, timings } = event;
  attributes[ATTR.outcome] = event.outcome;
  attributes[ATTR.keyHash] = event.keyHash;
  attributes[ATTR.stored] = event.stored;
  attributes[ATTR.handlerRan] = event.handlerRan;
  if (event.fence !== undefined) attributes[ATTR.fence] = event.fence;
  if (context?.scopeHash !== undefined) attributes[ATTR.scopeHash] = context.scopeHash;
  if (context?.requestId !== undefined) attributes[ATTR.requestId] = context.requestId;
  attributes[ATTR.acquireMs] = timings.acquireMs;
  attributes[ATTR.waitMs] = timings.waitMs;
  if (timings.handlerMs !== undefined) attributes[ATTR.handlerMs] = timings.handlerMs;
  if (timings.completeMs !== undefined) attributes[ATTR.completeMs] = timings.completeMs;
  if (event.error !== undefined) attributes[ATTR.errorType] = errorType(event.error);
  // What the caller attached beyond the HTTP context, under its own names.
  if (context) {
    for (const name of Object.keys(context)) {
      const value = context[name];
      if (!KNOWN_CONTEXT.has(name) && value !== undefined) {
        attributes[`oncely.context.${name}`] = value;
      }
    }
  }
  return attributes;
}

/** `error.type`: an oncely error's code (`store-unavailable`), else the error's class name. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return '_OTHER';
}
