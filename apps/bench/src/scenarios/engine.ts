import { runWorker } from '../child.js';
import { type BenchContext, storeTarget } from '../context.js';
import { LIBRARIES } from '../libraries/catalog.js';
import type { LibraryId, StoreKind } from '../libraries/types.js';
import { deleteByPrefix } from '../redis/admin.js';
import { inRounds } from '../rounds.js';
import { median } from '../stats.js';
import type { EngineJob, EngineReport } from '../workers/engine.js';

export interface EngineFigures {
  opsPerSecond: number;
  cpuMicrosPerOp: number;
  allocatedBytesPerOp: number;
}

export interface EngineRow {
  library: LibraryId;
  store: StoreKind;
  first: EngineFigures;
  replay: EngineFigures;
  retainedBytesPerRecord: number;
  /** Each round's report (index = round). */
  runs: EngineReport[];
}

/**
 * The engine worker measures allocation per operation over GC-free batches, so it runs with a
 * large young generation; CPU per operation is then a little lower than with Node's defaults.
 */
const ENGINE_FLAGS = ['--max-semi-space-size=64'];

const CONCURRENCY = 16;

/**
 * Scenario 1: each library driven directly (no HTTP), first executions then replays, in its
 * own process (pinned to the server CPU when the run is pinned), every case once per round.
 */
export async function engineScenario(context: BenchContext): Promise<EngineRow[]> {
  const cases: { library: LibraryId; store: StoreKind }[] = [];
  for (const store of ['memory', 'redis'] as const) {
    for (const entry of LIBRARIES) {
      if (entry.engineStores.includes(store)) cases.push({ library: entry.id, store });
    }
  }
  const name = ({ library, store }: (typeof cases)[number]) => `${library}/${store}`;
  // Every case once per round, in an order that changes per round (see rounds.ts).
  const { byCase: reports } = await inRounds(
    cases,
    context.options.rounds,
    name,
    async (testCase, round) => {
      const { library, store } = testCase;
      const target = storeTarget(context, store, 'engine', round, library);
      const job: EngineJob = {
        library,
        target,
        seconds: context.options.engineSeconds,
        concurrency: CONCURRENCY,
      };
      const report = await runWorker<EngineReport>('engine', job, ENGINE_FLAGS);
      if (store === 'redis') await deleteByPrefix(context.admin, target.prefix);
      context.log(
        `engine round ${round + 1} ${library}/${store}: first ${Math.round(report.first.opsPerSecond)}/s ${report.first.cpuMicrosPerOp.toFixed(1)} µs/op, replay ${Math.round(report.replay.opsPerSecond)}/s ${report.replay.cpuMicrosPerOp.toFixed(1)} µs/op`,
      );
      return report;
    },
  );
  return cases.map(({ library, store }) => {
    const runs = reports.get(`${library}/${store}`) ?? [];
    const figures = (phase: 'first' | 'replay'): EngineFigures => ({
      opsPerSecond: median(runs.map((r) => r[phase].opsPerSecond)),
      cpuMicrosPerOp: median(runs.map((r) => r[phase].cpuMicrosPerOp)),
      allocatedBytesPerOp: median(runs.map((r) => r[phase].allocatedBytesPerOp)),
    });
    return {
      library,
      store,
      first: figures('first'),
      replay: figures('replay'),
      retainedBytesPerRecord: median(runs.map((r) => r.retainedBytesPerRecord)),
      runs,
    };
  });
}
