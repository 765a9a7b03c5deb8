import { runWorker } from '../child.js';
import { type BenchContext, storeTarget } from '../context.js';
import { LIBRARIES } from '../libraries/catalog.js';
import type { LibraryId, StoreKind } from '../libraries/types.js';
import { deleteByPrefix } from '../redis/admin.js';
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
  runs: EngineReport[];
}

const CONCURRENCY = 16;

/**
 * Scenario 1: each library driven directly (no HTTP), first executions then replays, in its
 * own process per run. Runs are interleaved (all libraries, then all again) so that a noisy
 * moment on the machine does not land on one library only.
 */
export async function engineScenario(context: BenchContext): Promise<EngineRow[]> {
  const cases: { library: LibraryId; store: StoreKind }[] = [];
  for (const store of ['memory', 'redis'] as const) {
    for (const entry of LIBRARIES) {
      if (entry.engineStores.includes(store)) cases.push({ library: entry.id, store });
    }
  }
  const reports = new Map<string, EngineReport[]>();
  for (let run = 1; run <= context.options.runs; run++) {
    for (const { library, store } of cases) {
      const target = storeTarget(context, store, 'engine', run, library);
      const job: EngineJob = {
        library,
        target,
        seconds: context.options.engineSeconds,
        concurrency: CONCURRENCY,
      };
      const report = await runWorker<EngineReport>('engine', job);
      if (store === 'redis') await deleteByPrefix(context.admin, target.prefix);
      context.log(
        `engine run ${run} ${library}/${store}: first ${Math.round(report.first.opsPerSecond)}/s, replay ${Math.round(report.replay.opsPerSecond)}/s`,
      );
      const key = `${library}/${store}`;
      reports.set(key, [...(reports.get(key) ?? []), report]);
    }
  }
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
