/**
 * Child process: oncely alone, with @oncely/opentelemetry on the API's no-op, and with the real
 * SDK, on the memory store, in one process and interleaved in short batches, so that a busy
 * machine slows all three alike; CPU per operation for each (first executions and replays).
 */
import { createIdempotency, type Idempotency } from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { ONCELY_MEMORY_BOUNDS } from '../libraries/oncely.js';
import { createOrder, SAMPLE_ORDER } from '../libraries/order.js';
import { telemetryListener } from '../libraries/telemetry.js';
import { reply, workerArguments } from './protocol.js';

export interface TelemetryJob {
  /** Measured batches per variant and phase (after as many warm-up batches). */
  rounds: number;
  batch: number;
}

export type TelemetryVariant = 'oncely' | 'oncely-otel-noop' | 'oncely-otel-sdk';

export type TelemetryReport = Record<
  TelemetryVariant,
  { firstCpuMicros: number; replayCpuMicros: number }
>;

const job = workerArguments<TelemetryJob>();
const store = () => new MemoryStore(ONCELY_MEMORY_BOUNDS);
const variants: Record<TelemetryVariant, Idempotency> = {
  oncely: createIdempotency({ store: store() }),
  'oncely-otel-noop': createIdempotency({ store: store(), onEvent: telemetryListener('noop') }),
  'oncely-otel-sdk': createIdempotency({ store: store(), onEvent: telemetryListener('sdk') }),
};

let counter = 0;
/** CPU µs of one batch: `batch` calls in flight at once, fresh keys or the same few. */
async function batchCpu(engine: Idempotency, replay: boolean): Promise<number> {
  const start = process.cpuUsage();
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < job.batch; i++) {
    const key = replay ? `replay:${i % 100}` : `first:${counter++}`;
    calls.push(engine.run({ key, request: SAMPLE_ORDER }, () => createOrder(SAMPLE_ORDER)));
  }
  await Promise.all(calls);
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

// The keys replays cycle over, stored once per variant before anything is measured.
for (const engine of Object.values(variants)) {
  for (let i = 0; i < 100; i++) {
    await engine.run({ key: `replay:${i}`, request: SAMPLE_ORDER }, () =>
      createOrder(SAMPLE_ORDER),
    );
  }
}

const totals = Object.fromEntries(
  Object.keys(variants).map((name) => [name, { first: 0, replay: 0 }]),
) as Record<TelemetryVariant, { first: number; replay: number }>;
for (let round = 0; round < 2 * job.rounds; round++) {
  for (const [name, engine] of Object.entries(variants) as [TelemetryVariant, Idempotency][]) {
    const first = await batchCpu(engine, false);
    const replay = await batchCpu(engine, true);
    // The first half warms the JIT and the stores up.
    if (round >= job.rounds) {
      totals[name].first += first;
      totals[name].replay += replay;
    }
  }
}
const measured = job.rounds * job.batch;
reply<TelemetryReport>(
  Object.fromEntries(
    Object.entries(totals).map(([name, t]) => [
      name,
      { firstCpuMicros: t.first / measured, replayCpuMicros: t.replay / measured },
    ]),
  ) as TelemetryReport,
);
