/**
 * Child process: one library's throughput as its store fills up. For the memory store it fills
 * the store itself, through the library, step by step; for Redis the parent has filled the
 * server and this measures one step. Node's default GC settings (a real server's).
 */
import { engineSubject } from '../libraries/engines.js';
import { SAMPLE_ORDER } from '../libraries/order.js';
import type { EngineSubject, LibraryId, StoreTarget } from '../libraries/types.js';
import { type Spread, spread } from '../stats.js';
import { forceGc } from './measure.js';
import { announce, reply, workerArguments } from './protocol.js';

export interface ScaleJob {
  library: LibraryId;
  target: StoreTarget;
  /** Record counts to reach (memory) or the count the parent reached (Redis, one step). */
  steps: number[];
  fillHere: boolean;
  /** Operations per sample (16 in flight). */
  operations: number;
  /** Samples per step and phase; first executions and replays alternate. */
  samples: number;
  /** The samples are summed in this many consecutive blocks; the spread is over the blocks. */
  blocks: number;
  /**
   * Measure one step (the only one in `steps`) in turns with other workers: fill, say `filled`,
   * then take one sample (first executions, then replays) whenever the parent sends
   * `{ type: "sample" }` (answered `sampled`), until `{ type: "finish" }`. The memory scenario runs one worker per step so
   * that every step's blocks are measured in the same stretch of time.
   */
  turns?: boolean;
}

export interface ScalePoint {
  /** Records the store held when each sample started: at least this... */
  records: number;
  /** ...and at most this (first executions add records; see the trim below). */
  recordsAtMost: number;
  /** ops/s of each block (operations ÷ time summed over its samples, GC pauses included). */
  first: Spread;
  replay: Spread;
  /**
   * Each block's ops/s in the order measured, when the step was measured in turns: block `i`
   * of every step ran in the same round, so ratios between steps pair them.
   */
  firstBlocks?: number[];
  replayBlocks?: number[];
  fillSeconds: number;
}

const job = workerArguments<ScaleJob>();
const CONCURRENCY = 16;

/** `operations` calls from CONCURRENCY loops; seconds they took. */
async function timedCount(operations: number, call: (i: number) => Promise<unknown>) {
  let next = 0;
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (next < operations) await call(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return (performance.now() - started) / 1000;
}

/**
 * A store of the library and the keys it holds: `oldest` to `stored - 1` of this `generation`
 * (the warm-up's store is dropped, so keys name their store).
 */
let subject: EngineSubject = await engineSubject(job.library, job.target);
let generation = 0;
let oldest = 0;
let stored = 0;
const keyOf = (i: number) => `${job.target.prefix}:g${generation}:${i}`;
const call = (i: number) => subject.call(keyOf(i), SAMPLE_ORDER);
/** Add records through the library until the store holds `count`. */
const fillTo = async (count: number, concurrency = 64) => {
  let next = stored;
  const loop = async (): Promise<void> => {
    while (next < oldest + count) await call(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  stored = Math.max(stored, oldest + count);
};
/** Remove the `count` oldest records, as expiry would (not timed). */
const trimOldest = async (count: number) => {
  const forget = subject.forget;
  if (!forget) throw new Error(`${job.library} cannot remove records from its memory store`);
  const end = Math.min(stored, oldest + count);
  for (; oldest < end; oldest++) await forget(keyOf(oldest));
};

// Warm up the JIT on both paths, on a store that is then dropped. It takes tens of thousands
// of calls: with 2 500 the 1e3 step ran cold and every larger step (whose fill warms it up)
// looked up to 2x faster than it.
await fillTo(20_000, CONCURRENCY);
await timedCount(20_000, (i) => call(i % 20_000));
await subject.close();
subject = await engineSubject(job.library, job.target);
generation++;
stored = 0;

let recordsAtMost = 0;

/** Fill the store to `step` records (memory); the seconds it took. */
async function fillStep(step: number): Promise<number> {
  const started = performance.now();
  if (job.fillHere) await fillTo(step);
  const fillSeconds = (performance.now() - started) / 1000;
  // Fill garbage is not the measured operations' cost.
  forceGc();
  recordsAtMost = stored - oldest;
  return fillSeconds;
}

/** `count` samples at `step` records, first executions and replays alternating; their seconds. */
async function sample(step: number, count: number) {
  const first: number[] = [];
  const replay: number[] = [];
  for (let s = 0; s < count; s++) {
    const base = stored;
    first.push(await timedCount(job.operations, (i) => call(base + i)));
    stored += job.operations;
    recordsAtMost = Math.max(recordsAtMost, stored - oldest);
    // Memory: keep one store at the step by removing the records the first executions added
    // beyond it, oldest first. (Refilling a fresh store whenever it passed twice the step made
    // the 1e3 step, refilled before nearly every sample, measure 2.3x slower than 1e6.) Redis:
    // the parent filled the server, and its first executions add to it (it takes a quarter of
    // the samples; the results give each point's range).
    if (job.fillHere) await trimOldest(stored - oldest - step);
    // Replays of records spread over the whole store: the fill's too for the memory store;
    // on Redis the fill is copies under other names, and `stored` counts the measured keys.
    const from = oldest;
    const span = stored - oldest;
    replay.push(
      await timedCount(job.operations, () => call(from + Math.floor(Math.random() * span))),
    );
  }
  return { first, replay };
}

/**
 * ops/s of each block of consecutive samples (operations ÷ the time its samples took together),
 * `job.blocks` blocks in the order measured.
 */
function blockRates(seconds: number[]): number[] {
  const rates: number[] = [];
  const size = Math.ceil(seconds.length / job.blocks);
  for (let b = 0; b < seconds.length; b += size) {
    const block = seconds.slice(b, b + size);
    rates.push((block.length * job.operations) / block.reduce((sum, t) => sum + t, 0));
  }
  return rates;
}

if (job.turns) {
  const step = job.steps[0] as number;
  const fillSeconds = await fillStep(step);
  const first: number[] = [];
  const replay: number[] = [];
  process.on('message', async (message: { type?: string }) => {
    if (message?.type === 'sample') {
      const taken = await sample(step, 1);
      first.push(...taken.first);
      replay.push(...taken.replay);
      announce({ type: 'sampled' });
    }
    if (message?.type === 'finish') {
      await subject.close();
      const firstBlocks = blockRates(first);
      const replayBlocks = blockRates(replay);
      reply<ScalePoint[]>([
        {
          records: step,
          recordsAtMost,
          first: spread(firstBlocks),
          replay: spread(replayBlocks),
          firstBlocks,
          replayBlocks,
          fillSeconds,
        },
      ]);
    }
  });
  announce({ type: 'filled' });
} else {
  const points: ScalePoint[] = [];
  for (const step of job.steps) {
    const fillSeconds = await fillStep(step);
    const { first, replay } = await sample(step, job.samples);
    points.push({
      records: step,
      recordsAtMost,
      first: spread(blockRates(first)),
      replay: spread(blockRates(replay)),
      fillSeconds,
    });
  }
  await subject.close();
  reply<ScalePoint[]>(points);
}
