import { randomUUID } from 'node:crypto';
import { parseDuration } from '@oncely/core';
import { ApiProcess } from './api-process.js';
import { clientDoubleClick, clientLostResponse } from './client-stories.js';
import { type FrameworkName, frameworkName } from './framework.js';
import { type Answer, countByStatus, getJson, post } from './http-client.js';
import { FakeProvider } from './provider.js';
import { queueConsumerCrash } from './queue/story.js';
import { type StoreName, storeName } from './store.js';

export interface StoryResult {
  title: string;
  /** What the story does, in one line. */
  plays: string;
  lines: string[];
  requests: number;
  /** Answers by HTTP status, as the client measured them. */
  answers: Record<string, number>;
  /** Charges the provider really made for the story's key. */
  charges: number;
  /** Late writes the provider refused because a newer fence had been seen. */
  staleRefused?: number;
  /** Webhook events applied to the order. */
  applied?: number;
  /** Said when the story stands in for the real thing. */
  simulated?: string;
  /** Said when the story cannot run on this store. */
  skipped?: string;
  /** Queue story: distinct orders shipped, and shipments made (equal when none ran twice). */
  shipments?: { orders: number; shipments: number };
  /** What the report prints as measured, for a story that is not HTTP requests. */
  measured?: string;
}

export interface DemoReport {
  store: StoreName;
  /** The API processes' start-up lines: URL, pid, store and provider. */
  api: string[];
  stories: StoryResult[];
  /** The framework the API ran on (`ONCELY_FRAMEWORK`). */
  framework: FrameworkName;
}

export interface DemoOptions {
  /** Default: `ONCELY_STORE`, else `memory`. */
  store?: StoreName;
  /** Environment for the API processes (connection settings, prefixes); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default: `ONCELY_FRAMEWORK`, else `fastify`. */
  framework?: FrameworkName;
}

interface Demo {
  api: ApiProcess;
  /** A second API process on the same store, for stores that outlive a process. */
  second: ApiProcess | undefined;
  provider: FakeProvider;
  env: NodeJS.ProcessEnv;
  store: StoreName;
  run: string;
}

const CHARGE_LEASE = '2s';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A key no earlier run has used: a store that survives runs would replay old results. */
const keyFor = (demo: Demo, story: string) => `${story}-${demo.run}`;

async function retryAfterLostResponse(demo: Demo): Promise<StoryResult> {
  const key = keyFor(demo, 'lost-response');
  const body = { amount: 4200, currency: 'eur' };
  const first = await post(`${demo.api.url}/charges`, body, key);
  const retry = await post(`${demo.api.url}/charges`, body, key);
  const same = retry.body?.id === first.body?.id;
  return {
    title: 'A retry after a lost response',
    plays: 'POST /charges, then the same request again with the same key',
    requests: 2,
    answers: countByStatus([first, retry]),
    charges: demo.provider.chargesFor(key).length,
    lines: [
      `first: ${describe(first)}, charge ${first.body?.id} (say the network lost this answer)`,
      `retry: ${describe(retry)}, charge ${retry.body?.id}: ${same ? 'the same charge' : 'A DIFFERENT CHARGE (wrong!)'}`,
    ],
  };
}

async function doubleClick(demo: Demo): Promise<StoryResult> {
  const key = keyFor(demo, 'double-click');
  const body = { amount: 1999, currency: 'eur' };
  const clicks = await Promise.all(
    Array.from({ length: 20 }, () => post(`${demo.api.url}/charges`, body, key)),
  );
  const executed = clicks.filter((c) => c.status === 201 && !c.replayed).length;
  const replayed = clicks.filter((c) => c.status === 201 && c.replayed).length;
  const conflicts = clicks.filter((c) => c.status === 409);
  const ids = new Set(clicks.filter((c) => c.status === 201).map((c) => c.body?.id));
  return {
    title: 'A double click: 20 concurrent requests, one key',
    plays: '20 POST /charges at once with the same key',
    requests: clicks.length,
    answers: countByStatus(clicks),
    charges: demo.provider.chargesFor(key).length,
    lines: [
      `${executed} ran, ${replayed} got its stored answer, ${conflicts.length} got 409 while it ran` +
        (conflicts[0] ? ` (Retry-After ${conflicts[0].retryAfter}s)` : ''),
      `distinct charge ids returned: ${ids.size}`,
    ],
  };
}

async function sameKeyOtherAmount(demo: Demo): Promise<StoryResult> {
  const key = keyFor(demo, 'misuse');
  const first = await post(`${demo.api.url}/charges`, { amount: 1000, currency: 'eur' }, key);
  const other = await post(`${demo.api.url}/charges`, { amount: 9999, currency: 'eur' }, key);
  return {
    title: 'The same key with a different amount',
    plays: 'POST /charges amount 1000, then amount 9999 with the same key',
    requests: 2,
    answers: countByStatus([first, other]),
    charges: demo.provider.chargesFor(key).length,
    lines: [
      `amount 1000: ${describe(first)}, charge ${first.body?.id}`,
      `amount 9999: ${describe(other)} ${other.body?.type ?? ''} ${other.status === 422 ? '(refused, nothing charged)' : '(NOT refused: wrong!)'}`,
    ],
  };
}

async function providerFailure(demo: Demo): Promise<StoryResult> {
  const key = keyFor(demo, 'provider-down');
  const body = { amount: 500, currency: 'eur' };
  demo.provider.failNext = 1;
  const first = await post(`${demo.api.url}/charges`, body, key);
  const retry = await post(`${demo.api.url}/charges`, body, key);
  return {
    title: 'The provider fails, the client retries',
    plays: 'POST /charges while the provider answers 503, then the retry',
    requests: 2,
    answers: countByStatus([first, retry]),
    charges: demo.provider.chargesFor(key).length,
    lines: [
      `first: ${describe(first)} ${first.body?.error ?? ''}: not stored, the key was released`,
      `retry: ${describe(retry)}, charge ${retry.body?.id} (it ran again, as it should)`,
    ],
  };
}

async function webhookThreeTimes(demo: Demo): Promise<StoryResult> {
  const order = await post(
    `${demo.api.url}/orders`,
    { amount: 3000, currency: 'eur' },
    keyFor(demo, 'order'),
  );
  const event = {
    id: `evt_${demo.run}`,
    type: 'payment.succeeded',
    data: { order: order.body?.id, amount: 3000 },
  };
  const deliver = () => post(`${demo.api.url}/webhooks/provider`, event); // no Idempotency-Key
  // The provider's retry fired while the first delivery ran, and once more later.
  const deliveries = await Promise.all([deliver(), deliver()]);
  deliveries.push(await deliver());
  const after = (await getJson(`${demo.api.url}/orders/${order.body?.id}`)) as {
    status: string;
    appliedEvents: string[];
  };
  const duplicates = deliveries.filter((d) => d.body?.duplicate === true).length;
  return {
    title: 'A webhook delivered three times',
    plays: `POST /orders, then the provider sends event ${event.id} three times (two at once)`,
    requests: 1 + deliveries.length,
    answers: countByStatus([order, ...deliveries]),
    charges: 0,
    applied: after.appliedEvents.length,
    lines: [
      `order ${order.body?.id}: ${describe(order)}`,
      `deliveries: ${deliveries.map(describe).join(', ')}; ${duplicates} recognised as duplicates by event id`,
      `order afterwards: ${after.status}, events applied: ${after.appliedEvents.length}`,
    ],
  };
}

async function frozenWorker(demo: Demo): Promise<StoryResult> {
  const key = keyFor(demo, 'frozen');
  const body = { amount: 7500, currency: 'eur' };
  const url = `${demo.api.url}/charges`;
  const hold = demo.provider.holdNext();
  const pending = post(url, body, key);
  await hold.arrived; // the API holds the key and is stuck in its provider call
  const during = await post(url, body, key);
  // Past the lease, not Retry-After: the hint is how long a charge usually takes (1 s until
  // one finished), so honouring it may find the frozen attempt's lease still running.
  await sleep(parseDuration(CHARGE_LEASE, 'lease') + 100);
  const takeover = await post(url, body, key);
  hold.release(); // the frozen attempt wakes up and makes its late call
  const first = await pending;
  const stale = demo.provider.refusedStale.filter((call) => call.reference === key);
  return {
    title: 'A worker freezes mid-charge; the retry takes over after its lease',
    plays: `POST /charges stalls past its ${CHARGE_LEASE} lease; the client retries during and after it`,
    simulated:
      demo.store === 'memory'
        ? 'a crash simulated by a frozen attempt: the memory store lives inside the API process, so a real crash would lose every record (run with ONCELY_STORE=redis|postgres|dynamodb for a real one)'
        : undefined,
    requests: 3,
    answers: countByStatus([first, during, takeover]),
    charges: demo.provider.chargesFor(key).length,
    staleRefused: stale.length,
    lines: [
      `retry during the lease: ${describe(during)}`,
      `retry after the lease: ${describe(takeover)}, charge ${takeover.body?.id} with fence ${takeover.body?.fence} (it took over)`,
      stale.length === 1
        ? `the frozen attempt woke up and called the provider with fence ${stale[0]?.fence}: refused as stale`
        : `the frozen attempt's late call was NOT refused (wrong!)`,
      `the first request finally got ${describe(first)} ${first.body?.error ?? ''}`,
    ],
  };
}

async function killedWorker(demo: Demo): Promise<StoryResult> {
  const title = 'A worker is killed mid-charge; the retry takes over after its lease';
  const plays = `POST /charges, SIGKILL the API process in the handler, restart it, retry`;
  const second = demo.second;
  if (!second) {
    return {
      title,
      plays,
      requests: 0,
      answers: {},
      charges: 0,
      lines: [],
      skipped:
        'not run on the memory store: its records die with the process (the story above simulates the crash instead)',
    };
  }
  const key = keyFor(demo, 'killed');
  const body = { amount: 8800, currency: 'eur' };
  const hold = demo.provider.holdNext();
  const pending = post(`${demo.api.url}/charges`, body, key);
  await hold.arrived;
  const killed = demo.api;
  await killed.kill();
  const first = await pending;
  const restarting = ApiProcess.start(demo.env, killed.port);
  const during = await post(`${second.url}/charges`, body, key);
  // Past the lease, not Retry-After: the hint is how long a charge usually takes (1 s until
  // one finished), so honouring it may find the frozen attempt's lease still running.
  await sleep(parseDuration(CHARGE_LEASE, 'lease') + 100);
  const takeover = await post(`${second.url}/charges`, body, key);
  demo.api = await restarting;
  const onRestarted = await post(`${demo.api.url}/charges`, body, key);
  const dropped = demo.provider.dropped.filter((call) => call.reference === key).length;
  const answers = [first, during, takeover, onRestarted];
  return {
    title,
    plays,
    requests: answers.length,
    answers: countByStatus(answers),
    charges: demo.provider.chargesFor(key).length,
    lines: [
      `process ${killed.pid} killed with SIGKILL in its provider call: the client got ${describe(first)} (${first.error ?? ''}); the provider dropped ${dropped} half-made call(s)`,
      `retry on the other instance during the dead attempt's lease: ${describe(during)}`,
      `retry after the lease: ${describe(takeover)}, charge ${takeover.body?.id} with fence ${takeover.body?.fence}`,
      `the killed process restarted (pid ${demo.api.pid}, same port): a retry there got ${describe(onRestarted)}, charge ${onRestarted.body?.id}: ${onRestarted.body?.id === takeover.body?.id ? 'the same charge' : 'A DIFFERENT CHARGE (wrong!)'}`,
    ],
  };
}

/** The client stories (@oncely/client) on this demo's API and provider. */
const onClient =
  (story: typeof clientLostResponse) =>
  (demo: Demo): Promise<StoryResult> =>
    story({
      apiPort: demo.api.port,
      provider: demo.provider,
      keyFor: (name) => keyFor(demo, name),
    });

function describe(answer: Answer): string {
  if (answer.status === 'no answer') return 'no answer';
  const parts = [String(answer.status)];
  if (answer.replayed) parts.push('replayed');
  if (answer.retryAfter !== undefined) parts.push(`Retry-After ${answer.retryAfter}s`);
  return parts.join(' ');
}

export const stories = [
  retryAfterLostResponse,
  doubleClick,
  sameKeyOtherAmount,
  providerFailure,
  webhookThreeTimes,
  onClient(clientLostResponse),
  onClient(clientDoubleClick),
  frozenWorker,
  killedWorker,
  (demo: Demo) => queueConsumerCrash(demo),
];

/**
 * Start the fake provider and the API (one process, or two on a store that outlives a
 * process), play every story over HTTP, stop everything, and return what was measured.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const baseEnv = options.env ?? process.env;
  const store = options.store ?? storeName(baseEnv.ONCELY_STORE);
  const framework = options.framework ?? frameworkName(baseEnv.ONCELY_FRAMEWORK);
  const provider = new FakeProvider();
  const providerUrl = await provider.listen();
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    ONCELY_STORE: store,
    ONCELY_FRAMEWORK: framework,
    PROVIDER_URL: providerUrl,
    ONCELY_CHARGE_LEASE: CHARGE_LEASE,
  };
  const started = await Promise.allSettled([
    ApiProcess.start(env),
    store === 'memory' ? Promise.resolve(undefined) : ApiProcess.start(env),
  ]);
  const [first, second] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed || !first) {
    await Promise.all([first?.stop(), second?.stop(), provider.close()]);
    throw failed?.reason ?? new Error('the API did not start');
  }
  const demo: Demo = {
    api: first,
    second,
    provider,
    env,
    store,
    run: randomUUID().slice(0, 8),
  };
  const api = [first, second].flatMap((p) => (p ? [`pid ${p.pid}: ${p.banner}`] : []));
  try {
    const results: StoryResult[] = [];
    for (const story of stories) results.push(await story(demo));
    return { store, api, stories: results, framework };
  } finally {
    await Promise.all([demo.api.stop(), demo.second?.stop()]);
    await provider.close();
  }
}
