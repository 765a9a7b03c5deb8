import { PerformanceObserver } from 'node:perf_hooks';

/** Counts garbage collections, so an allocation sample that a GC disturbed can be dropped. */
export class GcCounter {
  count = 0;
  private readonly observer = new PerformanceObserver((list) => {
    this.count += list.getEntries().length;
  });
  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }
  /** Let pending GC entries arrive (they are delivered asynchronously). */
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setImmediate(resolve));
  }
  stop(): void {
    this.observer.disconnect();
  }
}

/**
 * Memory a process holds for its data: V8's heap plus ArrayBuffer memory (Buffers, typed
 * arrays), which lives outside the heap. A store that keeps bytes in Uint8Arrays and one that
 * keeps them in strings are then measured alike.
 */
export function heldBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
}

export interface Throughput {
  operations: number;
  seconds: number;
  opsPerSecond: number;
  /** User + system CPU microseconds per operation (process.cpuUsage delta). */
  cpuMicrosPerOp: number;
}

/**
 * Run `operation(i)` for i = 0, 1, 2, ... from `concurrency` loops until `seconds` pass.
 * Returns how many ran and what CPU they cost.
 */
export async function timed(
  seconds: number,
  concurrency: number,
  operation: (index: number) => Promise<unknown>,
): Promise<Throughput> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      // Check the clock every few operations only: performance.now() is not free.
      for (let i = 0; i < 16; i++) await operation(next++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    operations: next,
    seconds: elapsed,
    opsPerSecond: next / elapsed,
    cpuMicrosPerOp: (used.user + used.system) / next,
  };
}

/**
 * Heap bytes allocated per operation: the growth of V8's used heap over a batch during which no
 * GC ran (checked with a GC observer; batches a GC interrupted are dropped). The worker runs
 * with a large young generation (--max-semi-space-size) so most batches finish GC-free.
 * Returns the median over the clean batches, or NaN if none was clean.
 */
export async function allocationPerOp(
  batches: number,
  batchSize: number,
  operation: (index: number) => Promise<unknown>,
  startIndex: number,
): Promise<number> {
  const { getHeapStatistics } = await import('node:v8');
  const gcs = new GcCounter();
  const samples: number[] = [];
  let index = startIndex;
  for (let b = 0; b < batches; b++) {
    forceGc();
    await gcs.settle();
    const before = gcs.count;
    const heapBefore = getHeapStatistics().used_heap_size;
    for (let i = 0; i < batchSize; i++) await operation(index++);
    const heapAfter = getHeapStatistics().used_heap_size;
    await gcs.settle();
    if (gcs.count === before) samples.push((heapAfter - heapBefore) / batchSize);
  }
  gcs.stop();
  samples.sort((a, b) => a - b);
  return samples.length ? (samples[Math.floor(samples.length / 2)] as number) : Number.NaN;
}

/** Run `operations` operations from `concurrency` loops; operations/second over the whole. */
export async function counted(
  operations: number,
  concurrency: number,
  operation: (index: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (next < operations) await operation(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return operations / ((performance.now() - started) / 1000);
}
