import { join } from 'node:path';
import type { Backend } from '../backends.js';
import { runId, scratchDir } from '../backends.js';
import type { Figures } from '../figures.js';
import { createLedger, readLedger } from '../ledger.js';
import { runLoad } from '../load.js';
import { TcpProxy } from '../tcp-proxy.js';
import { startWorkers, stopWorkers, type WorkerProcess } from '../worker-process.js';
import { checkRecords, duplicateFailures, failClosedFailures } from './checks.js';

export interface SlowScale {
  keys: number;
  /** Logical requests (copies of each key race each other). */
  requests: number;
  concurrency: number;
  workers: number;
  /** How long each phase lasts: latency below storeTimeout, then above it, then none. */
  phaseMs: number;
}

export const SLOW_CI: SlowScale = {
  keys: 300,
  requests: 600,
  concurrency: 32,
  workers: 2,
  phaseMs: 2500,
};
export const SLOW_FULL: SlowScale = {
  keys: 2000,
  requests: 6000,
  concurrency: 128,
  workers: 4,
  phaseMs: 5000,
};

const STORE_TIMEOUT_MS = 1000;
/** Added to every chunk each way while slow: a round trip takes twice this. */
const SLOW_MS = 150;
const STALLED_MS = 1500;
/**
 * The longest an answer may take: the acquire (one storeTimeout), the handler, and the
 * completion (at most one storeTimeout in all, however many tries fit in it), plus wide slack
 * for the timer sweep and a busy machine: this run checks that no answer hangs. That the live
 * completion takes one storeTimeout, not one per try, is checked by the Redis store's
 * frozen-store test.
 */
export const ANSWER_BOUND_MS = 4 * STORE_TIMEOUT_MS + 2000;

/** The longest any worker took to answer, from its own `slowest-answer` reports. */
function slowestAnswer(workers: WorkerProcess[]): number {
  let slowest = 0;
  for (const worker of workers)
    for (const message of worker.messages)
      if (message.type === 'slowest-answer' && message.ms > slowest) slowest = message.ms;
  return slowest;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Latency between the workers and the store, injected by a TCP proxy: first below the engine's
 * storeTimeout (requests slow down but succeed), then above it (requests fail closed with 503
 * within the bound), then gone. No request hangs, nothing runs twice, and every key completes.
 */
export async function slow(backend: Backend, scale: SlowScale): Promise<Figures> {
  const address = backend.address;
  if (!address) throw new Error(`the ${backend.kind} store is not reached over TCP`);
  const scratch = await scratchDir();
  const ledger = join(scratch.path, 'ledger.jsonl');
  await createLedger(ledger);
  const proxy = await TcpProxy.start(address);
  let workers: WorkerProcess[] = [];
  try {
    workers = await startWorkers(scale.workers, `${backend.kind}-slow`, {
      store: backend.via(proxy.port),
      ledger,
      leaseMs: 5000,
      storeTimeoutMs: STORE_TIMEOUT_MS,
      handlerMs: [0, 5],
    });
    const targets = workers.map((worker) => worker.url);
    let phase = 'slow';
    proxy.delayMs = SLOW_MS;
    let finished = false;
    const load = runLoad({
      targets,
      keys: scale.keys,
      requests: scale.requests,
      concurrency: scale.concurrency,
      runId: runId(),
      resendRate: 0,
      // An attempt that outlives this is a hang; the bound asserted is far lower.
      attemptTimeoutMs: ANSWER_BOUND_MS + 10_000,
      giveUpMs: 60_000,
    }).finally(() => {
      finished = true;
    });
    await sleep(scale.phaseMs);
    const slowPhaseCovered = !finished;
    phase = 'stalled';
    proxy.delayMs = STALLED_MS;
    await sleep(scale.phaseMs);
    const stalledPhaseCovered = !finished;
    phase = 'recovered';
    proxy.delayMs = 0;
    const report = await load;

    const executed = await readLedger(ledger);
    const records = await checkRecords(backend, executed);
    const failures: string[] = [];
    if (!slowPhaseCovered || !stalledPhaseCovered)
      failures.push(`the load finished in the ${phase} phase; raise the requests`);
    // The bound is on the server's answer, measured in the workers: the client's own figure
    // also counts the time its requests wait for a busy core, which is not the engine's.
    const slowestAnswerMs = slowestAnswer(workers);
    if (slowestAnswerMs > ANSWER_BOUND_MS)
      failures.push(`an answer took ${Math.round(slowestAnswerMs)} ms (bound ${ANSWER_BOUND_MS})`);
    failures.push(...failClosedFailures(report));
    const { failures: duplicateProblems, duplicates } = duplicateFailures(
      executed,
      workers.flatMap((worker) => worker.messages),
      report,
    );
    failures.push(...duplicateProblems);
    if (executed.byKey.size !== scale.keys)
      failures.push(`${executed.byKey.size} of ${scale.keys} keys ran`);
    if (records.unrecorded.length > 0)
      failures.push(`handlers ran without a record: ${records.unrecorded.slice(0, 5).join(', ')}`);
    return {
      scenario: `slow store (+${SLOW_MS} ms, then +${STALLED_MS} ms each way, storeTimeout ${STORE_TIMEOUT_MS} ms)`,
      store: backend.kind,
      workers: scale.workers,
      keys: scale.keys,
      requests: report.requests,
      attempts: report.attempts,
      executions: executed.executions,
      duplicates: duplicates.unexplained.length,
      lostCompletions: 0,
      byStatus: report.byStatus,
      maxLatencyMs: report.maxLatencyMs,
      durationMs: report.durationMs,
      notes: {
        clients: scale.concurrency,
        're-run after an unstored completion': duplicates.afterUnstoredCompletion.length,
        'answer bound ms': ANSWER_BOUND_MS,
        'slowest answer in a worker ms': Math.round(slowestAnswerMs),
        'records completed': records.completed.length,
        'ran but completion not stored': records.inProgress.length,
      },
      failures,
    };
  } finally {
    await stopWorkers(workers);
    await proxy.stop();
    await scratch.drop();
  }
}
