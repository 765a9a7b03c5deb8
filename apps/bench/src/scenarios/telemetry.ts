import { runWorker } from '../child.js';
import { type BenchContext, storeTarget } from '../context.js';
import { load, postOrder } from '../http/load.js';
import { ServerProcess } from '../http/server-process.js';
import type { LibraryId } from '../libraries/types.js';
import { median } from '../stats.js';
import type { EngineJob, EngineReport } from '../workers/engine.js';
import type { TelemetryJob, TelemetryReport } from '../workers/telemetry.js';

export const TELEMETRY_VARIANTS = [
  { library: 'oncely', label: 'oncely, no telemetry' },
  { library: 'oncely-otel-noop', label: '+ @oncely/opentelemetry, no SDK (API no-op)' },
  { library: 'oncely-otel-sdk', label: '+ @oncely/opentelemetry, real SDK' },
] as const satisfies readonly { library: LibraryId; label: string }[];

export interface TelemetryRow {
  library: (typeof TELEMETRY_VARIANTS)[number]['library'];
  label: string;
  /**
   * CPU µs per operation with the three interleaved in one process (engine, memory store):
   * the figure to read on a busy machine, where separate processes drift apart.
   */
  interleavedFirstCpuMicros: number;
  interleavedReplayCpuMicros: number;
  /** Engine on the memory store: CPU µs per operation. */
  engineFirstCpuMicros: number;
  engineReplayCpuMicros: number;
  engineFirstOpsPerSecond: number;
  /** Fastify on the memory store, fresh keys (first executions) and replays. */
  httpUniqueRequestsPerSecond: number;
  httpReplayRequestsPerSecond: number;
}

const CONCURRENCY = 16;
const REPLAY_KEYS = 50;

/**
 * What @oncely/opentelemetry costs: oncely alone, with the listener on the API's no-op (no SDK
 * registered), and with the real SDK, on the memory store (so the store's network is not what
 * is measured), engine-level and through Fastify. Interleaved runs, medians, like the others.
 */
export async function telemetryScenario(context: BenchContext): Promise<TelemetryRow[]> {
  const { runs, engineSeconds, httpSeconds, connections } = context.options;
  const engine = new Map<string, EngineReport[]>();
  const unique = new Map<string, number[]>();
  const replay = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, value: number) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  const interleaved: TelemetryReport[] = [];
  for (let run = 1; run <= runs; run++) {
    const job: TelemetryJob = context.options.quick
      ? { rounds: 4, batch: 200 }
      : { rounds: 20, batch: 1000 };
    interleaved.push(await runWorker<TelemetryReport>('telemetry', job));
    for (const { library } of TELEMETRY_VARIANTS) {
      const target = storeTarget(context, 'memory', 'telemetry', run, library);
      const job: EngineJob = { library, target, seconds: engineSeconds, concurrency: CONCURRENCY };
      const report = await runWorker<EngineReport>('engine', job);
      engine.set(library, [...(engine.get(library) ?? []), report]);

      const server = await ServerProcess.start({ library, framework: 'fastify', target });
      try {
        let counter = 0;
        const fresh = () => `${target.prefix}:k:${counter++}`;
        await load({ port: server.port, seconds: 0.5, connections, nextKey: fresh });
        const first = await load({
          port: server.port,
          seconds: httpSeconds,
          connections,
          nextKey: fresh,
        });
        let next = 0;
        const keys = Array.from({ length: REPLAY_KEYS }, (_, i) => `${target.prefix}:r:${i}`);
        for (const key of keys) {
          const status = await postOrder(server.port, key);
          if (status !== 201) throw new Error(`${library}: seeding got ${status}`);
        }
        const again = await load({
          port: server.port,
          seconds: httpSeconds,
          connections,
          nextKey: () => keys[next++ % REPLAY_KEYS] as string,
        });
        push(unique, library, first.requestsPerSecond);
        push(replay, library, again.requestsPerSecond);
        context.log(
          `telemetry run ${run} ${library}: engine ${report.first.cpuMicrosPerOp.toFixed(1)} µs/op, fastify ${Math.round(first.requestsPerSecond)} req/s unique, ${Math.round(again.requestsPerSecond)} req/s replay`,
        );
      } finally {
        await server.stop();
      }
    }
  }
  return TELEMETRY_VARIANTS.map(({ library, label }) => {
    const reports = engine.get(library) ?? [];
    return {
      library,
      label,
      interleavedFirstCpuMicros: median(interleaved.map((r) => r[library].firstCpuMicros)),
      interleavedReplayCpuMicros: median(interleaved.map((r) => r[library].replayCpuMicros)),
      engineFirstCpuMicros: median(reports.map((r) => r.first.cpuMicrosPerOp)),
      engineReplayCpuMicros: median(reports.map((r) => r.replay.cpuMicrosPerOp)),
      engineFirstOpsPerSecond: median(reports.map((r) => r.first.opsPerSecond)),
      httpUniqueRequestsPerSecond: median(unique.get(library) ?? []),
      httpReplayRequestsPerSecond: median(replay.get(library) ?? []),
    };
  });
}
