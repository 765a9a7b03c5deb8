import { idempotency } from '@oncely/fastify';
import { MemoryStore } from '@oncely/memory';
import { oncelyTelemetry } from '@oncely/opentelemetry';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import Fastify from 'fastify';

// The SDK is yours: in production the Node SDK with an OTLP exporter. In memory here, so the
// example runs anywhere and shows what it records.
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);

const app = Fastify();
await app.register(idempotency, { store: new MemoryStore(), onEvent: oncelyTelemetry() });
app.post('/orders/:id', async (request, reply) => {
  reply.code(201);
  return { id: (request.params as { id: string }).id };
});

const order = {
  method: 'POST' as const,
  url: '/orders/7',
  headers: { 'idempotency-key': 'order-7' },
  payload: { amount: 1 },
};
await app.inject(order);
await app.inject(order);
for (const span of exporter.getFinishedSpans()) {
  console.log(span.name, span.attributes['oncely.outcome'], span.attributes['oncely.fence']);
}
// -> oncely POST /orders/:id executed 1
//    oncely POST /orders/:id replayed 1
await app.close();
