import { type BenchContext, storeTarget } from '../context.js';
import { load } from '../http/load.js';
import { ServerProcess } from '../http/server-process.js';
import { LIBRARIES } from '../libraries/catalog.js';
import type { LibraryId } from '../libraries/types.js';
import { median } from '../stats.js';

export interface MemoryRow {
  library: LibraryId;
  store: 'memory';
  /** Heap growth of the Express server (after a full GC) per stored record. */
  bytesPerRecord: number;
  records: number;
  runs: number[];
}

/**
 * Scenario 4, memory stores: the server's heap plus ArrayBuffer memory after a full GC, before and after `records`
 * first executions through Express; the growth per record is what the store keeps (the bare
 * handler's line shows the noise floor: it keeps nothing).
 */
export async function memoryScenario(context: BenchContext): Promise<MemoryRow[]> {
  const records = context.options.quick ? 2_000 : 20_000;
  const rows: MemoryRow[] = [];
  for (const entry of LIBRARIES) {
    if (!entry.http.express?.includes('memory')) continue;
    const runs: number[] = [];
    // One run: a heap delta over thousands of records barely moves between runs.
    for (let run = 1; run <= 1; run++) {
      const target = storeTarget(context, 'memory', 'memory', run, entry.id);
      const server = await ServerProcess.start({ library: entry.id, framework: 'express', target });
      try {
        let counter = 0;
        const nextKey = () => `${target.prefix}:${counter++}`;
        // Warm up with a few records so lazily made structures are already there.
        await load({ port: server.port, amount: 200, connections: 10, nextKey });
        const before = await server.heldBytes();
        const executionsBefore = await server.executions();
        await load({ port: server.port, amount: records, connections: 10, nextKey });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const stored = (await server.executions()) - executionsBefore;
        runs.push(((await server.heldBytes()) - before) / stored);
      } finally {
        await server.stop();
      }
    }
    const bytesPerRecord = median(runs);
    rows.push({ library: entry.id, store: 'memory', bytesPerRecord, records, runs });
    context.log(`memory ${entry.id}: ${Math.round(bytesPerRecord)} heap bytes per record`);
  }
  return rows;
}
