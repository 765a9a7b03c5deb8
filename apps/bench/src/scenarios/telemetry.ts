import { runWorker } from '../child.js';
import type { BenchContext, HttpCase } from '../context.js';
import { measureCase } from '../http/measure-case.js';
import type { LibraryId } from '../libraries/types.js';
import { inRounds } from '../rounds.js';
import { paired, type Spread, spread, subtract } from '../stats.js';
import type { TelemetryJob, TelemetryReport, TelemetryVariant } from '../workers/telemetry.js';
import { caseName, type HttpFigures, type HttpRow, httpRows, pairWith } from './http.js';

export const TELEMETRY_VARIANTS = [
  { library: 'oncely', label: 'oncely, no telemetry' },
  { library: 'oncely-otel-noop', label: '+ @oncely/opentelemetry, no SDK (API no-op)' },
  { library: 'oncely-otel-sdk', label: '+ @oncely/opentelemetry, real SDK' },
] as const satisfies readonly { library: LibraryId; label: string }[];

export interface TelemetryRow {
  library: TelemetryVariant;
  label: string;
  /**
   * Fastify on the memory store, the same pinned, interleaved method as scenario 2: first
   * executions and replays; `vsOncely` and `addedCpuOverOncelyMicros` pair each round with
   * oncely alone measured in that round.
   */
  unique: HttpFigures;
  replay: HttpFigures;
  /**
   * Engine only, the three variants in one process alternating short batches (so a busy
   * machine slows all three alike), once per round: CPU µs per operation, and added over
   * oncely alone in the same process.
   */
  engineFirstCpuMicros: Spread;
  engineReplayCpuMicros: Spread;
  engineAddedFirstCpuMicros?: Spread;
  engineAddedReplayCpuMicros?: Spread;
}

/**
 * What @oncely/opentelemetry costs: oncely alone, with the listener on the API's no-op (no SDK
 * registered), and with the real SDK, on the memory store (so no store network is measured).
 */
export async function telemetryScenario(
  context: BenchContext,
): Promise<{ rows: TelemetryRow[]; orders: string[][] }> {
  const { rounds, quick } = context.options;
  const cases: HttpCase[] = TELEMETRY_VARIANTS.map(({ library }) => ({
    library,
    framework: 'fastify',
    store: 'memory',
  }));
  const interleaved: TelemetryReport[] = [];
  const job: TelemetryJob = quick ? { rounds: 4, batch: 200 } : { rounds: 20, batch: 1000 };
  const { byCase, orders } = await inRounds(cases, rounds, caseName, async (testCase, round) => {
    // The in-process engine comparison once per round, before the round's first server.
    if (interleaved.length === round) {
      interleaved.push(await runWorker<TelemetryReport>('telemetry', job));
    }
    const result = await measureCase(context, testCase, round, 'telemetry');
    context.log(
      `telemetry round ${round + 1} ${testCase.library}: fastify ${Math.round(result.unique.requestsPerSecond)} req/s ${result.unique.serverCpuMicrosPerRequest.toFixed(0)} µs/req unique, ${Math.round(result.replay.requestsPerSecond)} req/s ${result.replay.serverCpuMicrosPerRequest.toFixed(0)} µs/req replay`,
    );
    return result;
  });
  const rows = httpRows(cases, byCase);
  const httpRow = (library: LibraryId, mode: 'unique' | 'replay') =>
    rows.find((row) => row.library === library && row.mode === mode) as HttpRow;
  const figures = (library: LibraryId, mode: 'unique' | 'replay'): HttpFigures => {
    const row = httpRow(library, mode);
    const vs = pairWith(row, httpRow('oncely', mode));
    return {
      ...row.figures,
      ...(vs ? { vsOncely: vs.rate, addedCpuOverOncelyMicros: vs.addedCpu } : {}),
    };
  };
  const engine = (library: TelemetryVariant, phase: 'firstCpuMicros' | 'replayCpuMicros') =>
    interleaved.map((report) => report[library][phase]);
  return {
    orders,
    rows: TELEMETRY_VARIANTS.map(({ library, label }) => ({
      library,
      label,
      unique: figures(library, 'unique'),
      replay: figures(library, 'replay'),
      engineFirstCpuMicros: spread(engine(library, 'firstCpuMicros')),
      engineReplayCpuMicros: spread(engine(library, 'replayCpuMicros')),
      ...(library === 'oncely'
        ? {}
        : {
            engineAddedFirstCpuMicros: paired(
              engine(library, 'firstCpuMicros'),
              engine('oncely', 'firstCpuMicros'),
              subtract,
            ),
            engineAddedReplayCpuMicros: paired(
              engine(library, 'replayCpuMicros'),
              engine('oncely', 'replayCpuMicros'),
              subtract,
            ),
          }),
    })),
  };
}
