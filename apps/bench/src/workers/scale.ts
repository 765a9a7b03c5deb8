/**
 * Child process: one library's throughput as its store fills up. For the memory store it fills
 * the store itself, through the library, step by step; for Redis the parent has filled the
 * server and this measures one step.
 */
import { engineSubject } from '../libraries/engines.js';
import { SAMPLE_ORDER } from '../libraries/order.js';
import type { LibraryId, StoreTarget } from '../libraries/types.js';
import { median } from '../stats.js';
import { counted } from './measure.js';
import { reply, workerArguments } from './protocol.js';

export interface ScaleJob {
  library: LibraryId;
  target: StoreTarget;
  /** Record counts to reach (memory) or the count the parent reached (Redis, one step). */
  steps: number[];
  fillHere: boolean;
  operations: number;
  samples: number;
}

export interface ScalePoint {
  records: number;
  firstOpsPerSecond: number;
  replayOpsPerSecond: number;
  fillSeconds: number;
}

const job = workerArguments<ScaleJob>();
const subject = await engineSubject(job.library, job.target);
const CONCURRENCY = 16;
let stored = 0;
let measured = 0;
const measuredKey = (i: number) => `${job.target.prefix}:m:${i}`;
const call = (key: string) => subject.call(key, SAMPLE_ORDER);

// Warm up the JIT on both paths before the first step.
await counted(500, CONCURRENCY, (i) => call(`${job.target.prefix}:w:${i}`));
await counted(2000, CONCURRENCY, (i) => call(`${job.target.prefix}:w:${i % 100}`));
stored += 500;

const points: ScalePoint[] = [];
for (const step of job.steps) {
  const started = performance.now();
  if (job.fillHere) {
    const missing = Math.max(0, step - stored);
    await counted(missing, 64, (i) => call(`${job.target.prefix}:f:${stored + i}`));
    stored += missing;
  }
  const fillSeconds = (performance.now() - started) / 1000;
  const first: number[] = [];
  const replay: number[] = [];
  for (let s = 0; s < job.samples; s++) {
    const base = measured;
    first.push(await counted(job.operations, CONCURRENCY, (i) => call(measuredKey(base + i))));
    measured += job.operations;
    // Replays of keys spread over everything measured so far.
    replay.push(
      await counted(job.operations, CONCURRENCY, () =>
        call(measuredKey(Math.floor(Math.random() * measured))),
      ),
    );
  }
  stored += job.operations * job.samples;
  points.push({
    records: step,
    firstOpsPerSecond: median(first),
    replayOpsPerSecond: median(replay),
    fillSeconds,
  });
}
await subject.close();
reply<ScalePoint[]>(points);
