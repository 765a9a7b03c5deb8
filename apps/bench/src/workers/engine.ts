/**
 * Child process: drives one library directly (no HTTP) and reports throughput, CPU and heap
 * cost per operation for first executions and for replays. One process per measurement, so
 * libraries never share a heap or a JIT profile.
 */
import { engineSubject } from '../libraries/engines.js';
import { SAMPLE_ORDER } from '../libraries/order.js';
import type { LibraryId, StoreTarget } from '../libraries/types.js';
import { allocationPerOp, forceGc, heldBytes, type Throughput, timed } from './measure.js';
import { reply, workerArguments } from './protocol.js';

export interface EngineJob {
  library: LibraryId;
  target: StoreTarget;
  seconds: number;
  concurrency: number;
}

export interface EnginePhase extends Throughput {
  /** Heap bytes allocated per operation (GC-free batches, median). */
  allocatedBytesPerOp: number;
}

export interface EngineReport {
  first: EnginePhase;
  replay: EnginePhase;
  /** Heap kept per stored record after a full GC (memory stores; ~0 for Redis). */
  retainedBytesPerRecord: number;
}

const job = workerArguments<EngineJob>();
const subject = await engineSubject(job.library, job.target);
const key = (phase: string, i: number) => `${job.target.prefix}:${phase}:${i}`;
const call = (phase: string) => (i: number) => subject.call(key(phase, i), SAMPLE_ORDER);

// Warm up both paths so the JIT has seen them before anything is timed.
await timed(Math.min(0.3, job.seconds), job.concurrency, call('warm'));
await timed(Math.min(0.2, job.seconds), job.concurrency, (i) => call('warm')(i % 500));

forceGc();
const heldBefore = heldBytes();
const first = await timed(job.seconds, job.concurrency, call('first'));
forceGc();
const retainedBytesPerRecord = (heldBytes() - heldBefore) / first.operations;

// Replays cycle over keys that completed above.
const replayKeys = Math.min(first.operations, 1000);
const replay = await timed(job.seconds, job.concurrency, (i) => call('first')(i % replayKeys));

const batch = job.target.kind === 'memory' ? 2000 : 500;
const firstAlloc = await allocationPerOp(5, batch, call('alloc'), 0);
const replayAlloc = await allocationPerOp(5, batch, (i) => call('first')(i % replayKeys), 0);

await subject.close();
reply<EngineReport>({
  first: { ...first, allocatedBytesPerOp: firstAlloc },
  replay: { ...replay, allocatedBytesPerOp: replayAlloc },
  retainedBytesPerRecord,
});
