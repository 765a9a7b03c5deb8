import { join } from 'node:path';
import type { Backend } from '../backends.js';
import { runId, scratchDir } from '../backends.js';
import type { Figures } from '../figures.js';
import { createLedger, readLedger } from '../ledger.js';
import { keyName, runLoad, verifyReplays } from '../load.js';
import { startWorkers, stopWorkers, type WorkerProcess } from '../worker-process.js';

export interface StormScale {
  requests: number;
  keys: number;
  concurrency: number;
  /** Worker processes (the memory store always gets one: it lives in one process). */
  workers: number;
}

export const STORM_CI: StormScale = { requests: 4000, keys: 400, concurrency: 64, workers: 3 };
export const STORM_FULL: StormScale = {
  requests: 20_000,
  keys: 2000,
  concurrency: 256,
  workers: 4,
};

/**
 * Many clients, several workers, one key space: every key's handler runs exactly once, and
 * every success for a key carries the same bytes. Clients retry on 409/503/network errors with
 * a small jittered backoff and sometimes re-send a key that already succeeded.
 */
export async function storm(backend: Backend, scale: StormScale): Promise<Figures> {
  const scratch = await scratchDir();
  const ledger = join(scratch.path, 'ledger.jsonl');
  await createLedger(ledger);
  const workerCount = backend.kind === 'memory' ? 1 : scale.workers;
  let workers: WorkerProcess[] = [];
  try {
    workers = await startWorkers(workerCount, `${backend.kind}-storm`, {
      store: backend.config,
      ledger,
      leaseMs: 10_000,
      storeTimeoutMs: 5000,
      handlerMs: [0, 10],
    });
    const targets = workers.map((worker) => worker.url);
    const id = runId();
    const report = await runLoad({
      targets,
      keys: scale.keys,
      requests: scale.requests,
      concurrency: scale.concurrency,
      runId: id,
      resendRate: 0.05,
      attemptTimeoutMs: 30_000,
      giveUpMs: 60_000,
    });
    const verification = await verifyReplays(
      targets,
      report.firstBodies,
      scale.concurrency,
      30_000,
    );
    const executed = await readLedger(ledger);

    const failures: string[] = [];
    const neverRan = Array.from({ length: scale.keys }, (_, n) => keyName(id, n)).filter(
      (key) => !executed.byKey.has(key),
    );
    if (executed.duplicated.length > 0)
      failures.push(`handlers ran twice for ${executed.duplicated.slice(0, 5).join(', ')}`);
    if (neverRan.length > 0)
      failures.push(`${neverRan.length} keys never ran, e.g. ${neverRan[0]}`);
    if (executed.executions !== scale.keys)
      failures.push(`${executed.executions} executions for ${scale.keys} keys`);
    if (report.mismatched.length > 0)
      failures.push(`different bytes for one key: ${report.mismatched.slice(0, 5).join(', ')}`);
    if (report.unexpected.length > 0)
      failures.push(`unexpected answers: ${report.unexpected.join('; ')}`);
    if (report.gaveUp.length > 0) failures.push(`${report.gaveUp.length} requests never succeeded`);
    if ((report.byStatus.hung ?? 0) > 0) failures.push(`${report.byStatus.hung} attempts hung`);
    if (report.resendFailures > 0)
      failures.push(`${report.resendFailures} re-sends of a finished key got neither 2xx nor 503`);
    if (report.missingRetryAfter > 0)
      failures.push(`${report.missingRetryAfter} 409/503 answers without Retry-After`);
    if (verification.inProgress.length > 0 || verification.wrong.length > 0)
      failures.push(
        `completions not replayed: ${[...verification.inProgress, ...verification.wrong].slice(0, 5).join('; ')}`,
      );
    const events = workers.flatMap((worker) => worker.messages);
    const fenced = events.filter((m) => m.type === 'event' && m.event === 'fenced').length;
    const storeErrors = events.filter(
      (m) => m.type === 'event' && m.event === 'store_error',
    ).length;
    return {
      scenario: 'storm',
      store: backend.kind,
      workers: workerCount,
      keys: scale.keys,
      requests: report.requests,
      attempts: report.attempts + scale.keys,
      executions: executed.executions,
      duplicates: executed.duplicated.length,
      lostCompletions: verification.inProgress.length + verification.wrong.length,
      byStatus: report.byStatus,
      maxLatencyMs: report.maxLatencyMs,
      durationMs: report.durationMs,
      notes: {
        clients: scale.concurrency,
        replays: report.replays,
        resends: report.resends,
        'resends failed closed (503)': report.resendsUnavailable,
        'final replays exact': verification.replayedExactly,
        'fenced events': fenced,
        'store errors': storeErrors,
        'requests/s': Math.round(report.requests / (report.durationMs / 1000)),
      },
      failures,
    };
  } finally {
    await stopWorkers(workers);
    await scratch.drop();
  }
}
