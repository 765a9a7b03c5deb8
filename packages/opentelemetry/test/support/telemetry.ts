import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * The real SDK with in-memory exporters, and the async context manager a Node app registers
 * (the Node SDK does), so `context.active()` follows a request through its callbacks.
 */
let contextManager: AsyncLocalStorageContextManager | undefined;

export function createTelemetry() {
  if (!contextManager) {
    contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
  }
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    // Exported on demand (forceFlush) only.
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const httpTracer = tracerProvider.getTracer('test-http');

  return {
    tracerProvider,
    meterProvider,
    finishedSpans: (): ReadableSpan[] => spans.getFinishedSpans(),
    /** The oncely spans (not the HTTP ones). */
    oncelySpans: (): ReadableSpan[] =>
      spans
        .getFinishedSpans()
        .filter((span) => span.instrumentationScope.name === '@oncely/opentelemetry'),
    /** Every data point of a metric, as the SDK exported it now. */
    async points(name: string): Promise<DataPoint<unknown>[]> {
      metricExporter.reset();
      await reader.forceFlush();
      const found: DataPoint<unknown>[] = [];
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            if (metric.descriptor.name === name)
              found.push(...(metric.dataPoints as DataPoint<unknown>[]));
          }
        }
      }
      return found;
    },
    /**
     * Wrap a node request listener the way @opentelemetry/instrumentation-http does: a SERVER
     * span per request, active while the app handles it (its emitters bound to that context).
     */
    traced<
      L extends (
        req: import('node:http').IncomingMessage,
        res: import('node:http').ServerResponse,
      ) => void,
    >(listener: L) {
      return (
        req: import('node:http').IncomingMessage,
        res: import('node:http').ServerResponse,
      ) => {
        const span: Span = httpTracer.startSpan(`${req.method} http`, { kind: SpanKind.SERVER });
        const active = trace.setSpan(context.active(), span);
        context.bind(active, req);
        context.bind(active, res);
        res.once('finish', () => span.end());
        context.with(active, () => listener(req, res));
      };
    },
    async shutdown(): Promise<void> {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export type Telemetry = ReturnType<typeof createTelemetry>;

/** The sum of a counter's points whose attributes include `match`. */
export function sum(points: DataPoint<unknown>[], match: Record<string, unknown> = {}): number {
  return points
    .filter((point) => Object.entries(match).every(([k, v]) => point.attributes[k] === v))
    .reduce((total, point) => total + (point.value as number), 0);
}
