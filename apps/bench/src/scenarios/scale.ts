import type { ChildProcess } from 'node:child_process';
import { nextMessage, runWorker, startWorker, stopWorker } from '../child.js';
import { type BenchContext, storeTarget } from '../context.js';
import { LIBRARIES } from '../libraries/catalog.js';
import { engineSubject } from '../libraries/engines.js';
import { SAMPLE_ORDER } from '../libraries/order.js';
import type { LibraryId, StoreKind } from '../libraries/types.js';
import { recordObserved } from '../pinning.js';
import { deleteByPrefix, scanKeys } from '../redis/admin.js';
import type { ScaleJob, ScalePoint } from '../workers/scale.js';

export interface ScaleRow {
  library: LibraryId;
  store: StoreKind;
  points: ScalePoint[];
}

const FILL_TTL_MS = 3_600_000;
const PIPELINE = 5_000;

/**
 * Scenario 5: does a first execution (acquire) and a replay stay flat as records pile up?
 * Memory: each library fills one store per step through its API, 1e3 -> 1e6, each in its own
 * process (pinned to the server CPU), and the steps are measured in turns, block by block, in
 * many small samples; the records each sample adds are removed again, oldest first, so each
 * store stays at its stated count. The spread is over blocks of samples.
 * Redis: the server is filled with copies (DUMP/RESTORE, pipelined) of real records each
 * library wrote, under this run's prefix, with a TTL; then every library is measured at that
 * size. Everything is removed by prefix (SCAN + UNLINK) at the end.
 */
export async function scaleScenario(context: BenchContext): Promise<ScaleRow[]> {
  const { scaleSteps, scaleSampleOperations: operations, scaleSamples: samples } = context.options;
  // Five blocks of samples give the spread; Redis is not a target here and its first
  // executions add records to the filled server, so it takes a quarter of the samples.
  const blocks = Math.min(5, samples);
  const redisSamples = Math.max(blocks, Math.round(samples / 4));
  const rows: ScaleRow[] = [];
  for (const entry of LIBRARIES) {
    if (entry.id === 'baseline' || !entry.engineStores.includes('memory')) continue;
    const job: ScaleJob = {
      library: entry.id,
      target: storeTarget(context, 'memory', 'scale', entry.id),
      steps: scaleSteps,
      fillHere: true,
      operations,
      samples,
      blocks,
    };
    const points = await measureMemoryInTurns(job);
    rows.push({ library: entry.id, store: 'memory', points });
    for (const point of points) {
      context.log(
        `scale memory ${entry.id} @${point.records}-${point.recordsAtMost}: first ${Math.round(point.first.median)}/s, replay ${Math.round(point.replay.median)}/s (fill ${point.fillSeconds.toFixed(1)} s)`,
      );
    }
  }

  const redisLibraries = LIBRARIES.filter(
    (entry) => entry.id !== 'baseline' && entry.engineStores.includes('redis'),
  ).map((entry) => entry.id);
  const scalePrefix = `${context.prefix}:scale`;
  try {
    const templates = await recordTemplates(context, redisLibraries, `${scalePrefix}:tmpl`);
    let filled = 0;
    const byLibrary = new Map<LibraryId, ScalePoint[]>();
    for (const step of scaleSteps) {
      const started = performance.now();
      filled = await fill(context, `${scalePrefix}:fill`, templates, filled, step);
      const fillSeconds = (performance.now() - started) / 1000;
      for (const library of redisLibraries) {
        const job: ScaleJob = {
          library,
          target: storeTarget(context, 'redis', 'scale', 'run', step, library),
          steps: [step],
          fillHere: false,
          operations,
          samples: redisSamples,
          blocks,
        };
        const [point] = await runWorker<ScalePoint[]>('scale', job);
        if (!point) throw new Error('the scale worker measured nothing');
        point.fillSeconds = fillSeconds;
        byLibrary.set(library, [...(byLibrary.get(library) ?? []), point]);
        context.log(
          `scale redis ${library} @${step}: first ${Math.round(point.first.median)}/s, replay ${Math.round(point.replay.median)}/s (fill ${fillSeconds.toFixed(1)} s)`,
        );
      }
    }
    for (const library of redisLibraries) {
      rows.push({ library, store: 'redis', points: byLibrary.get(library) ?? [] });
    }
  } finally {
    const started = performance.now();
    const removed = await deleteByPrefix(context.admin, scalePrefix);
    context.log(
      `scale: removed ${removed} keys by prefix in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  return rows;
}

/**
 * One worker per step, each holding its own store at its count, measured in turns: sample `s`
 * of every step runs before sample `s + 1` of any, each turn starting one step further along,
 * so a slower stretch of the host falls on every step alike; block `b` of every step then
 * covers the same stretch of time, and ratios between steps pair them. (Steps measured one after the other put minutes between 1e3 and 1e6, and
 * a run measured node-idempotency's memory store faster at 1e6 than at 1e3.) Separate processes,
 * not stores side by side in one, so that the 1e3 step's GC does not walk the 1e6 step's heap.
 */
export async function measureMemoryInTurns(job: ScaleJob): Promise<ScalePoint[]> {
  const workers: ChildProcess[] = [];
  try {
    // Filled one at a time: a fill never competes with another for the CPU.
    for (const step of job.steps) {
      const child = startWorker('scale', { ...job, steps: [step], turns: true }, [
        '--max-old-space-size=8192',
      ]);
      workers.push(child);
      await nextMessage(child, 'filled');
    }
    for (let turn = 0; turn < job.samples; turn++) {
      for (let i = 0; i < workers.length; i++) {
        const child = workers[(turn + i) % workers.length] as ChildProcess;
        const done = nextMessage(child, 'sampled');
        child.send({ type: 'sample' });
        await done;
      }
    }
    const points: ScalePoint[] = [];
    for (const child of workers) {
      const answer = nextMessage<{ result: ScalePoint[]; cpus?: string }>(child, 'result');
      child.send({ type: 'finish' });
      const { result, cpus } = await answer;
      recordObserved('workers', cpus);
      points.push(...result);
    }
    return points;
  } finally {
    for (const child of workers) await stopWorker(child);
  }
}

/** One real completed record per library, as Redis DUMP payloads. */
async function recordTemplates(
  context: BenchContext,
  libraries: LibraryId[],
  prefix: string,
): Promise<Buffer[]> {
  const templates: Buffer[] = [];
  for (const library of libraries) {
    const target = {
      kind: 'redis' as const,
      redisUrl: context.redis.url,
      prefix: `${prefix}:${library}`,
    };
    const subject = await engineSubject(library, target);
    await subject.call(`${target.prefix}:template`, SAMPLE_ORDER);
    await subject.close();
    for (const key of await scanKeys(context.admin, `${target.prefix}*`)) {
      const dump = await context.admin.dumpBuffer(key);
      if (dump) templates.push(dump);
    }
  }
  if (templates.length === 0) throw new Error('no record templates were written');
  return templates;
}

/** Add records (copies of the templates, in turn) until `target` exist; pipelined. */
async function fill(
  context: BenchContext,
  prefix: string,
  templates: Buffer[],
  from: number,
  target: number,
): Promise<number> {
  for (let start = from; start < target; start += PIPELINE) {
    const pipeline = context.admin.pipeline();
    for (let i = start; i < Math.min(target, start + PIPELINE); i++) {
      pipeline.restore(`${prefix}:${i}`, FILL_TTL_MS, templates[i % templates.length] as Buffer);
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
  }
  return Math.max(from, target);
}
