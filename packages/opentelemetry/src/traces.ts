import type { OncelyEvent } from '@oncely/core';
import { context, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { ATTR, errorType, metricAttributes, spanAttributes } from './attributes.js';

/** Outcomes that are the server's failure (a span error); conflict and mismatch are the client's. */
const ERRORS = new Set(['store-unavailable', 'fenced', 'failed']);

/** `oncely POST /orders/:id`, like the HTTP span's name; just `oncely` without a route. */
function spanName(method: string | undefined, route: string | undefined): string {
  if (route === undefined) return 'oncely';
  return method === undefined ? `oncely ${route}` : `oncely ${method} ${route}`;
}

const now = (): number => performance.timeOrigin + performance.now();

/**
 * One span per operation, made when it settles with the start time it had: the listener runs
 * in the request's context, so the active span (the framework's HTTP span) is its parent. A
 * background completion, which ends after the request, gets a short span of its own there.
 */
export function createTraces(tracer: Tracer): (event: OncelyEvent) => void {
  return (event) => {
    if (event.type === 'settled') {
      const span = tracer.startSpan(
        spanName(event.context?.method, event.context?.route),
        {
          kind: SpanKind.INTERNAL,
          startTime: event.timings.startedAt,
          attributes: spanAttributes(event),
        },
        context.active(),
      );
      if (ERRORS.has(event.outcome)) {
        const { error } = event;
        if (error instanceof Error) span.recordException(error);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : event.outcome,
        });
      }
      span.end(now());
      return;
    }
    const result =
      event.type === 'abandoned'
        ? 'abandoned'
        : event.type === 'completed' && event.background
          ? 'stored'
          : event.type === 'fenced' && event.background
            ? 'fenced'
            : undefined;
    if (result === undefined) return;
    const span = tracer.startSpan(
      'oncely background completion',
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          ...metricAttributes(event),
          [ATTR.keyHash]: event.keyHash,
          [ATTR.backgroundResult]: result,
          ...('fence' in event ? { [ATTR.fence]: event.fence } : {}),
        },
      },
      context.active(),
    );
    if (result !== 'stored') {
      span.setAttribute(ATTR.errorType, errorType({ code: result }));
      span.setStatus({ code: SpanStatusCode.ERROR, message: `background completion ${result}` });
    }
    span.end();
  };
}
