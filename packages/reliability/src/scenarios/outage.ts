import { join } from 'node:path';
import type { Backend } from '../backends.js';
import { runId, scratchDir } from '../backends.js';
import type { Figures } from '../figures.js';
import { postOrder } from '../http-client.js';
import { createLedger, readLedger } from '../ledger.js';
import { runLoad, verifyReplays } from '../load.js';
import { startWorkers, stopWorkers, type WorkerProcess } from '../worker-process.js';
import {
  checkRecords,
  duplicateFailures,
  failClosedFailures,
  keyHashOf,
  reported,
} from './checks.js';

/** How the store goes away and comes back. */
export interface Outage {
  /** What happens, for the figures: e.g. "redis-server SIGKILL, restarted on its port". */
  description: string;
  down(): Promise<void>;
  up(): Promise<void>;
}

export interface OutageScale {
  /** Keys, each sent once (plus the occasional re-send): a key's copies are not what this tests. */
  keys: number;
  concurrency: number;
  workers: number;
  /** How long the store stays down. */
  downMs: number;
}

export const OUTAGE_CI: OutageScale = { keys: 1000, concurrency: 32, workers: 2, downMs: 2000 };
export const OUTAGE_FULL: OutageScale = { keys: 6000, concurrency: 128, workers: 4, downMs: 5000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The store stops in the middle of a load and comes back. While it is down every request fails
 * closed (503 + Retry-After) and no handler runs; every side effect has a record; the same worker
 * processes serve again once it is back, without a restart.
 */
export async function outage(backend: Backend, cut: Outage, scale: OutageScale): Promise<Figures> {
  const scratch = await scratchDir();
  const ledger = join(scratch.path, 'ledger.jsonl');
  await createLedger(ledger);
  let workers: WorkerProcess[] = [];
  try {
    workers = await startWorkers(scale.workers, `${backend.kind}-outage`, {
      store: backend.config,
      ledger,
      // Short enough that an acquire whose answer the outage cut off (the key is held, no
      // handler runs) frees its key within the test; a retry then takes it over.
      leaseMs: 5000,
      storeTimeoutMs: 5000,
      handlerMs: [1, 10],
    });
    const pids = workers.map((worker) => worker.pid);
    const targets = workers.map((worker) => worker.url);
    const id = runId();
    let startOutage: () => void = () => {};
    const underLoad = new Promise<void>((resolve) => {
      startOutage = resolve;
    });
    let finished = false;
    const load = runLoad({
      targets,
      keys: scale.keys,
      requests: scale.keys,
      concurrency: scale.concurrency,
      runId: id,
      resendRate: 0.05,
      attemptTimeoutMs: 30_000,
      giveUpMs: 60_000,
      onProgress: (done, total) => {
        if (done >= total * 0.25) startOutage();
      },
    }).finally(() => {
      finished = true;
      startOutage();
    });
    await underLoad;
    const failures: string[] = [];
    if (finished) failures.push('the load finished before the outage began; raise the keys');
    await cut.down();
    await sleep(scale.downMs);
    const stillRunning = !finished;
    await cut.up();
    const report = await load;
    if (!stillRunning) failures.push('the load finished while the store was down; raise the keys');

    // The same processes serve a new key after the outage.
    const after = await Promise.all(
      targets.map((url, n) =>
        postOrder(url, `${id}-after-${n}`, { amount: 1 }, { timeoutMs: 30_000 }),
      ),
    );
    const executed = await readLedger(ledger);
    const records = await checkRecords(backend, executed);
    const completedSet = new Set(records.completed);
    const toVerify = new Map([...report.firstBodies].filter(([key]) => completedSet.has(key)));
    const verification = await verifyReplays(targets, toVerify, scale.concurrency, 30_000);

    const messages = workers.flatMap((worker) => worker.messages);
    const acknowledged = reported(messages, 'completed');
    const completeFailed = reported(messages, 'store_error', 'complete');
    const lost = records.inProgress.filter((key) => acknowledged.has(keyHashOf(key)));
    const silent = records.inProgress.filter((key) => !completeFailed.has(keyHashOf(key)));

    if (!workers.every((worker, n) => worker.alive && worker.pid === pids[n]))
      failures.push('a worker process died or was replaced');
    if (after.some((reply) => reply.status !== 201))
      failures.push(`after the outage a new key got ${after.map((r) => r.status).join(', ')}`);
    failures.push(...failClosedFailures(report));
    const { failures: duplicateProblems, duplicates } = duplicateFailures(
      executed,
      workers.flatMap((worker) => worker.messages),
      report,
    );
    failures.push(...duplicateProblems);
    if (records.unrecorded.length > 0)
      failures.push(`handlers ran without a record: ${records.unrecorded.slice(0, 5).join(', ')}`);
    if (lost.length > 0)
      failures.push(`acknowledged completions lost: ${lost.slice(0, 5).join(', ')}`);
    if (silent.length > 0)
      failures.push(
        `left in progress with no reported store error: ${silent.slice(0, 5).join(', ')}`,
      );
    if (verification.wrong.length > 0 || verification.inProgress.length > 0)
      failures.push(
        `completed records not replayed exactly: ${[...verification.wrong, ...verification.inProgress].slice(0, 5).join('; ')}`,
      );
    return {
      scenario: `outage (${cut.description}, down ${scale.downMs} ms)`,
      store: backend.kind,
      workers: scale.workers,
      keys: scale.keys,
      requests: report.requests,
      attempts: report.attempts,
      executions: executed.executions,
      duplicates: duplicates.unexplained.length,
      lostCompletions: lost.length + verification.wrong.length + verification.inProgress.length,
      byStatus: report.byStatus,
      maxLatencyMs: report.maxLatencyMs,
      durationMs: report.durationMs,
      notes: {
        clients: scale.concurrency,
        're-run after an unstored completion': duplicates.afterUnstoredCompletion.length,
        'records completed': records.completed.length,
        'ran but completion not stored (left to its lease)': records.inProgress.length,
        'store errors reported': messages.filter(
          (m) => m.type === 'event' && m.event === 'store_error',
        ).length,
        'final replays exact': verification.replayedExactly,
      },
      failures,
    };
  } finally {
    await stopWorkers(workers);
    await scratch.drop();
  }
}
