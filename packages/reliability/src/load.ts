import type { Agent } from 'node:http';
import { createAgent, postOrder, type Reply } from './http-client.js';

export interface LoadOptions {
  /** Base URLs of the workers; each attempt goes to one of them at random. */
  targets: readonly string[];
  /** Distinct idempotency keys. */
  keys: number;
  /** Logical requests, spread evenly over the keys; each is retried until it succeeds. */
  requests: number;
  /** Clients sending at the same time. */
  concurrency: number;
  /** Makes this run's keys its own: `${runId}-${n}`. */
  runId: string;
  /** The chance that a client, having succeeded, sends the same key once more at once. */
  resendRate: number;
  /** An attempt without an answer this long counts as hung (a failure of the scenario). */
  attemptTimeoutMs: number;
  /** A logical request that has not succeeded after this long is given up (and reported). */
  giveUpMs: number;
  /** Called after each logical request finishes, with how many have. */
  onProgress?: (done: number, total: number) => void;
}

export interface LoadReport {
  /** Logical requests sent. */
  requests: number;
  /** HTTP attempts, retries and re-sends included. */
  attempts: number;
  /** Answers by status code, plus `network` (refused, reset) and `hung` (no answer in time). */
  byStatus: Record<string, number>;
  /** 2xx answers that were replays (`Idempotent-Replayed: true`). */
  replays: number;
  /**
   * Re-sends of a key the client had seen succeed; those answered neither 2xx nor "unavailable"
   * (a 409 for a finished request would be a broken promise); those that failed closed (503, a
   * network error) because the store or the machine was overloaded at that moment.
   */
  resends: number;
  resendFailures: number;
  resendsUnavailable: number;
  /** 409 and 503 answers without a Retry-After header. */
  missingRetryAfter: number;
  /** Answers other than 2xx, 409, 503 or a network error (each a bug), described. */
  unexpected: string[];
  /** Keys that got two different success bodies. */
  mismatched: string[];
  /** Keys whose logical request never succeeded within `giveUpMs`. */
  gaveUp: string[];
  /** The slowest attempt, answered or not. */
  maxLatencyMs: number;
  durationMs: number;
  /** The first success body per key: every later success must equal it byte for byte. */
  firstBodies: Map<string, Buffer>;
}

export const keyName = (runId: string, n: number): string => `${runId}-${n}`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The order requests go out in: each key's requests land close together (a window of a few
 * times the concurrency), so copies of one key race each other on different workers, while
 * later copies arrive after the first completed and must be replays.
 */
function schedule(keys: number, requests: number, spread: number): number[] {
  const perKey = Math.max(1, Math.round(requests / keys));
  const sends: { key: number; at: number }[] = [];
  for (let key = 0; key < keys; key++) {
    for (let copy = 0; copy < perKey; copy++) {
      sends.push({ key, at: key * perKey + Math.random() * spread });
    }
  }
  return sends.sort((a, b) => a.at - b.at).map((send) => send.key);
}

function retryAfterOk(reply: Reply): boolean {
  const value = reply.headers['retry-after'];
  return typeof value === 'string' && /^\d+$/.test(value);
}

/** Run the storm: `concurrency` clients drain the schedule, retrying as a careful client would. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const agent = createAgent(options.concurrency);
  const order = schedule(options.keys, options.requests, options.concurrency * 4);
  const report: LoadReport = {
    requests: order.length,
    attempts: 0,
    byStatus: {},
    replays: 0,
    resends: 0,
    resendFailures: 0,
    resendsUnavailable: 0,
    missingRetryAfter: 0,
    unexpected: [],
    mismatched: [],
    gaveUp: [],
    maxLatencyMs: 0,
    durationMs: 0,
    firstBodies: new Map(),
  };
  const count = (label: string) => {
    report.byStatus[label] = (report.byStatus[label] ?? 0) + 1;
  };

  /** One HTTP attempt, classified. Returns the reply on a 2xx. */
  async function attempt(key: string, amount: number): Promise<Reply | 'retry' | 'unavailable'> {
    const target = options.targets[Math.floor(Math.random() * options.targets.length)] as string;
    const started = performance.now();
    report.attempts++;
    try {
      const reply = await postOrder(
        target,
        key,
        { amount },
        { agent, timeoutMs: options.attemptTimeoutMs },
      );
      report.maxLatencyMs = Math.max(report.maxLatencyMs, performance.now() - started);
      count(String(reply.status));
      if (reply.status >= 200 && reply.status < 300) {
        if (reply.headers['idempotent-replayed'] === 'true') report.replays++;
        const first = report.firstBodies.get(key);
        if (!first) report.firstBodies.set(key, reply.body);
        else if (!first.equals(reply.body) && !report.mismatched.includes(key)) {
          report.mismatched.push(key);
        }
        return reply;
      }
      if (reply.status === 409 || reply.status === 503) {
        if (!retryAfterOk(reply)) report.missingRetryAfter++;
        return reply.status === 503 ? 'unavailable' : 'retry';
      }
      if (report.unexpected.length < 20) {
        report.unexpected.push(`${key}: ${reply.status} ${reply.body.toString().slice(0, 200)}`);
      }
      return 'retry';
    } catch (error) {
      report.maxLatencyMs = Math.max(report.maxLatencyMs, performance.now() - started);
      count((error as { code?: string }).code === 'HUNG' ? 'hung' : 'network');
      return 'unavailable';
    }
  }

  async function send(key: string, amount: number): Promise<void> {
    const giveUpAt = performance.now() + options.giveUpMs;
    for (let tries = 1; ; tries++) {
      const outcome = await attempt(key, amount);
      if (outcome !== 'retry' && outcome !== 'unavailable') break;
      if (performance.now() > giveUpAt) {
        report.gaveUp.push(key);
        return;
      }
      // Small jittered backoff, growing a little with each try.
      await sleep(5 + Math.random() * 20 * Math.min(tries, 8));
    }
    if (Math.random() < options.resendRate) {
      // A client that lost the answer and sends again: it must get the same bytes back.
      report.resends++;
      const again = await attempt(key, amount);
      if (again === 'retry') report.resendFailures++;
      else if (again === 'unavailable') report.resendsUnavailable++;
    }
  }

  const started = performance.now();
  let next = 0;
  let done = 0;
  const clients = Array.from({ length: options.concurrency }, async () => {
    while (next < order.length) {
      const n = order[next++] as number;
      await send(keyName(options.runId, n), 100 + n);
      options.onProgress?.(++done, order.length);
    }
  });
  await Promise.all(clients);
  report.durationMs = performance.now() - started;
  agent.destroy();
  return report;
}

export interface Verification {
  /** Keys whose final send was a replay of exactly the first body. */
  replayedExactly: number;
  /** Keys whose final send answered 409: still in progress (their completion was not stored). */
  inProgress: string[];
  /** Keys whose final send was a success with other bytes, or another answer. */
  wrong: string[];
}

/** Send every key that succeeded once more: each must replay its first body, byte for byte. */
export async function verifyReplays(
  targets: readonly string[],
  firstBodies: ReadonlyMap<string, Buffer>,
  concurrency: number,
  attemptTimeoutMs: number,
): Promise<Verification> {
  const agent: Agent = createAgent(concurrency);
  const result: Verification = { replayedExactly: 0, inProgress: [], wrong: [] };
  const entries = [...firstBodies.entries()];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < entries.length) {
        const [key, body] = entries[next++] as [string, Buffer];
        const amount = 100 + Number(key.slice(key.lastIndexOf('-') + 1));
        const target = targets[Math.floor(Math.random() * targets.length)] as string;
        const reply = await postOrder(
          target,
          key,
          { amount },
          { agent, timeoutMs: attemptTimeoutMs },
        );
        if (
          reply.status >= 200 &&
          reply.status < 300 &&
          reply.headers['idempotent-replayed'] === 'true' &&
          reply.body.equals(body)
        ) {
          result.replayedExactly++;
        } else if (reply.status === 409) {
          result.inProgress.push(key);
        } else {
          result.wrong.push(`${key}: ${reply.status} ${reply.body.toString().slice(0, 200)}`);
        }
      }
    }),
  );
  agent.destroy();
  return result;
}
