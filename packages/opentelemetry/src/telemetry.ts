import type { EventListener } from '@oncely/core';
import { type MeterProvider, metrics, type TracerProvider, trace } from '@opentelemetry/api';
import { createMetrics } from './metrics.js';
import { createTraces } from './traces.js';

export interface OncelyTelemetryOptions {
  /** Where spans go. Default: the global provider (`trace.setGlobalTracerProvider`, the Node SDK). */
  tracerProvider?: TracerProvider | undefined;
  /** Where metrics go. Default: the global provider. */
  meterProvider?: MeterProvider | undefined;
  /** Make spans. Default `true`. */
  traces?: boolean | undefined;
  /** Record metrics. Default `true`. */
  metrics?: boolean | undefined;
}

const SCOPE = '@oncely/opentelemetry';

/**
 * An `onEvent` listener that turns oncely's lifecycle events into one span per operation and
 * the metrics in the README. It only reads events, so it never changes what a request does.
 */
export function oncelyTelemetry(options: OncelyTelemetryOptions = {}): EventListener {
  const parts: EventListener[] = [];
  if (options.traces !== false) {
    parts.push(
      createTraces((options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE)),
    );
  }
  if (options.metrics !== false) {
    parts.push(
      createMetrics((options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE)),
    );
  }
  const [first, second] = parts;
  if (!first) return () => {};
  if (!second) return first;
  return (event) => {
    first(event);
    second(event);
  };
}
