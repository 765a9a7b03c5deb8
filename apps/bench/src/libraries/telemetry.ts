import type { EventListener } from '@oncely/core';
import { oncelyTelemetry } from '@oncely/opentelemetry';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** `noop`: the listener with no SDK registered; `sdk`: the real SDK behind it. */
export type TelemetryMode = 'noop' | 'sdk';

/**
 * Accepts every batch and keeps nothing: the SDK does all its work (spans, attributes,
 * batching) and only the network of a real exporter is left out, which is the collector's
 * cost, not oncely's.
 */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** @oncely/opentelemetry's listener, as its README sets it up for the mode. */
export function telemetryListener(mode: TelemetryMode): EventListener {
  if (mode === 'noop') return oncelyTelemetry();
  // What a Node app with the SDK has: the async context manager, a batching span processor,
  // a periodic metric reader.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new DiscardingExporter())],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 10_000,
      }),
    ],
  });
  return oncelyTelemetry({ tracerProvider, meterProvider });
}
