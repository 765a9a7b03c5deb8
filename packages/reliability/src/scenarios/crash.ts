import { join } from 'node:path';
import { hashKey, namespacedKey } from '@oncely/core';
import type { Backend } from '../backends.js';
import { runId, scratchDir } from '../backends.js';
import type { Figures } from '../figures.js';
import { postOrder, type Reply } from '../http-client.js';
import { createLedger, readLedger } from '../ledger.js';
import { ENGINE_PREFIX, type WorkerConfig, type WorkerMessage } from '../worker-config.js';
import { WorkerProcess } from '../worker-process.js';

const LEASE_MS = 2000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface OrderBody {
  key: string;
  order: string;
  fence: number;
  pid: number;
}

const parse = (reply: Reply): OrderBody => JSON.parse(reply.body.toString()) as OrderBody;
const replayed = (reply: Reply): boolean => reply.headers['idempotent-replayed'] === 'true';

/** Send `key` to `url` until the answer is not 409 (the lease lapsed and it was taken over). */
async function untilTakenOver(url: string, key: string, counts: Record<string, number>) {
  const deadline = Date.now() + LEASE_MS * 5;
  for (;;) {
    const reply = await postOrder(url, key, { amount: 1 }, { timeoutMs: 20_000 });
    counts[reply.status] = (counts[reply.status] ?? 0) + 1;
    if (reply.status !== 409 || Date.now() > deadline) return reply;
    await sleep(100);
  }
}

const handlerFor =
  (key: string) =>
  (message: WorkerMessage): boolean =>
    message.type === 'handler' && message.key === key;

/**
 * A worker killed (SIGKILL) mid-handler: a retry within the lease gets 409; after it, the retry
 * takes over and completes. A worker paused (SIGSTOP) mid-handler past its lease: another takes
 * over and completes; resumed (SIGCONT), the paused one's completion is refused by the fence and
 * the stored (replayed) response stays the new owner's.
 */
export async function crash(backend: Backend): Promise<Figures> {
  const scratch = await scratchDir();
  const ledger = join(scratch.path, 'ledger.jsonl');
  await createLedger(ledger);
  const base: WorkerConfig = {
    store: backend.config,
    ledger,
    leaseMs: LEASE_MS,
    storeTimeoutMs: 5000,
    handlerMs: [5, 5],
  };
  const failures: string[] = [];
  const byStatus: Record<string, number> = {};
  const expect = (ok: boolean, failure: string) => {
    if (!ok) failures.push(failure);
  };
  const started = performance.now();
  const workers: WorkerProcess[] = [];
  try {
    const [survivor, doomed, sleeper] = await Promise.all([
      WorkerProcess.start(`${backend.kind}-survivor`, base),
      // Its handler would take a minute: it is killed long before.
      WorkerProcess.start(`${backend.kind}-doomed`, { ...base, handlerMs: [60_000, 60_000] }),
      // Its handler takes 2.5 s: it is paused in the middle of them.
      WorkerProcess.start(`${backend.kind}-sleeper`, { ...base, handlerMs: [2500, 2500] }),
    ]);
    workers.push(survivor, doomed, sleeper);
    const id = runId();

    // 1. SIGKILL mid-handler.
    const killedKey = `${id}-killed`;
    const lost = postOrder(doomed.url, killedKey, { amount: 1 }, { timeoutMs: 20_000 }).then(
      (reply) => `answered ${reply.status}`,
      (error: { code?: string }) => error.code ?? 'error',
    );
    const doomedRun = await doomed.waitFor('its handler', handlerFor(killedKey));
    const doomedFence = doomedRun.type === 'handler' ? doomedRun.fence : 0;
    await doomed.kill();
    const lostOutcome = await lost;
    expect(!lostOutcome.startsWith('answered'), `the killed worker answered: ${lostOutcome}`);
    const early = await postOrder(survivor.url, killedKey, { amount: 1 }, { timeoutMs: 20_000 });
    byStatus[early.status] = (byStatus[early.status] ?? 0) + 1;
    expect(early.status === 409, `a retry within the lease got ${early.status}, not 409`);
    expect(typeof early.headers['retry-after'] === 'string', 'the 409 had no Retry-After');
    const takeover = await untilTakenOver(survivor.url, killedKey, byStatus);
    expect(takeover.status === 201 && !replayed(takeover), `the takeover got ${takeover.status}`);
    const takenOver = takeover.status === 201 ? parse(takeover) : undefined;
    expect(
      takenOver !== undefined && takenOver.fence > doomedFence,
      `the takeover's fence ${takenOver?.fence} is not above the killed owner's ${doomedFence}`,
    );
    const afterKill = await postOrder(
      survivor.url,
      killedKey,
      { amount: 1 },
      { timeoutMs: 20_000 },
    );
    byStatus[afterKill.status] = (byStatus[afterKill.status] ?? 0) + 1;
    expect(
      replayed(afterKill) && afterKill.body.equals(takeover.body),
      `a later retry did not replay the takeover's bytes (${afterKill.status})`,
    );

    // 2. SIGSTOP mid-handler, past the lease, then SIGCONT.
    const pausedKey = `${id}-paused`;
    const stale = postOrder(sleeper.url, pausedKey, { amount: 1 }, { timeoutMs: 60_000 });
    const sleeperRun = await sleeper.waitFor('its handler', handlerFor(pausedKey));
    sleeper.pause();
    const staleFence = sleeperRun.type === 'handler' ? sleeperRun.fence : 0;
    let winner: Reply;
    try {
      winner = await untilTakenOver(survivor.url, pausedKey, byStatus);
    } finally {
      sleeper.resume();
    }
    expect(winner.status === 201 && !replayed(winner), `the new owner got ${winner.status}`);
    const winnerBody = winner.status === 201 ? parse(winner) : undefined;
    expect(
      winnerBody !== undefined && winnerBody.fence > staleFence,
      `the new owner's fence ${winnerBody?.fence} is not above the paused one's ${staleFence}`,
    );
    const staleReply = await stale;
    byStatus[staleReply.status] = (byStatus[staleReply.status] ?? 0) + 1;
    const keyHash = hashKey(namespacedKey(ENGINE_PREFIX, '', pausedKey));
    const refused = await sleeper
      .waitFor(
        'a fenced completion',
        (m) =>
          m.type === 'event' &&
          m.event === 'fenced' &&
          m.operation === 'complete' &&
          m.keyHash === keyHash &&
          m.fence === staleFence,
        10_000,
      )
      .catch(() => undefined);
    expect(refused !== undefined, 'the paused worker did not report its completion as fenced');
    const replay = await postOrder(sleeper.url, pausedKey, { amount: 1 }, { timeoutMs: 20_000 });
    byStatus[replay.status] = (byStatus[replay.status] ?? 0) + 1;
    expect(
      replayed(replay) && replay.body.equals(winner.body),
      `the replay is not the new owner's response: ${replay.status} ${replay.body}`,
    );

    const executed = await readLedger(ledger);
    const killedRuns = executed.byKey.get(killedKey) ?? [];
    expect(
      killedRuns.length === 1 && killedRuns[0]?.p === survivor.pid,
      `the killed key ran ${killedRuns.length} times to completion`,
    );
    // The paused handler woke up and finished its side effect: a pause cannot be prevented,
    // only fenced. Its write carries the lower fence, so a downstream that keeps the highest
    // fence per key (the fence's purpose) ends with the new owner's write.
    const pausedRuns = executed.byKey.get(pausedKey) ?? [];
    const newest = pausedRuns.reduce(
      (a, b) => (b.f > a.f ? b : a),
      pausedRuns[0] ?? { f: 0, p: 0 },
    );
    expect(
      newest.p === survivor.pid &&
        pausedRuns.every((run) => run.p === survivor.pid || run.f < newest.f),
      `the paused key's writes do not leave the new owner's on top: ${JSON.stringify(pausedRuns)}`,
    );
    const staleBody = staleReply.status === 201 ? parse(staleReply) : undefined;
    return {
      scenario: 'crash (SIGKILL, SIGSTOP/SIGCONT)',
      store: backend.kind,
      workers: 3,
      keys: 2,
      requests: 2,
      attempts: Object.values(byStatus).reduce((a, b) => a + b, 0) + 1,
      executions: executed.executions,
      // The killed key must run once; the paused key runs twice by construction (see above).
      duplicates: killedRuns.length > 1 ? 1 : 0,
      lostCompletions: failures.some((f) => f.includes('replay')) ? 1 : 0,
      byStatus,
      maxLatencyMs: undefined,
      durationMs: performance.now() - started,
      notes: {
        'killed owner fence': doomedFence,
        'takeover fence': takenOver?.fence ?? 'none',
        'killed client saw': lostOutcome,
        'paused owner fence': staleFence,
        'new owner fence': winnerBody?.fence ?? 'none',
        'paused client got its own live answer (fence)': staleBody?.fence ?? staleReply.status,
        'paused completion refused': refused ? 'yes' : 'no',
        'paused key executions': pausedRuns.length,
        'stale side effects (lower fence)': pausedRuns.filter((run) => run.f < newest.f).length,
      },
      failures,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await scratch.drop();
  }
}
