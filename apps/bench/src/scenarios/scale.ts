import { runWorker } from '../child.js';
import { type BenchContext, storeTarget } from '../context.js';
import { LIBRARIES } from '../libraries/catalog.js';
import { engineSubject } from '../libraries/engines.js';
import { SAMPLE_ORDER } from '../libraries/order.js';
import type { LibraryId, StoreKind } from '../libraries/types.js';
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
 * Memory: each library fills its own store through its API, 1e3 -> 1e6, in one process
 * (pinned to the server CPU), and is measured in many small samples; the records each sample
 * adds are removed again, oldest first, so the store stays at the stated count. The spread is
 * over blocks of samples.
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
    const points = await runWorker<ScalePoint[]>('scale', job, ['--max-old-space-size=8192']);
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
