import {
  ConflictError,
  createIdempotency,
  FingerprintMismatchError,
  type OncelyEvent,
} from '@oncely/core';
import { MemoryStore } from '@oncely/memory';
import { PaymentProvider } from './payments.js';

export interface StoryResult {
  title: string;
  requests: number;
  charges: number;
  lines: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each story gets its own store and provider, so its counts are its own. */
function setup(options: { lease?: number; heartbeat?: boolean; wait?: boolean } = {}) {
  const provider = new PaymentProvider();
  const events: OncelyEvent[] = [];
  const engine = createIdempotency({
    store: new MemoryStore(),
    ttl: '24h',
    lease: options.lease ?? 5_000,
    heartbeat: options.heartbeat ?? true,
    wait: options.wait ?? false,
    onEvent: (event) => events.push(event),
  });
  const charge = (key: string, amount: number) =>
    engine.run({ key, request: { amount, currency: 'eur' } }, () => provider.charge(amount, 'eur'));
  return { provider, engine, events, charge };
}

async function retryAfterLostResponse(): Promise<StoryResult> {
  const { provider, charge } = setup();
  const first = await charge('pay-lost-response', 4200);
  const retry = await charge('pay-lost-response', 4200);
  return {
    title: 'A retry after a lost response',
    requests: 2,
    charges: provider.charges.length,
    lines: [
      `first: ${first.status}, charge ${first.value.id}`,
      `retry: ${retry.status}, charge ${retry.value.id} (${retry.value.id === first.value.id ? 'the same charge' : 'A DIFFERENT CHARGE'})`,
    ],
  };
}

async function doubleClick(): Promise<StoryResult> {
  const { provider, charge } = setup({ wait: true });
  const clicks = await Promise.all(
    Array.from({ length: 20 }, () => charge('pay-double-click', 1999)),
  );
  const ids = new Set(clicks.map((c) => c.value.id));
  return {
    title: 'A double click: 20 concurrent requests, one key',
    requests: 20,
    charges: provider.charges.length,
    lines: [
      `${clicks.filter((c) => c.status === 'executed').length} executed, ${clicks.filter((c) => c.status === 'replayed').length} replayed the winner's result`,
      `distinct charge ids returned: ${ids.size}`,
    ],
  };
}

async function sameKeyOtherAmount(): Promise<StoryResult> {
  const { provider, charge } = setup();
  await charge('pay-misuse', 1000);
  let refused = 'accepted (wrong!)';
  try {
    await charge('pay-misuse', 9999);
  } catch (error) {
    if (error instanceof FingerprintMismatchError)
      refused = `refused: ${error.constructor.name} (HTTP ${error.status})`;
  }
  return {
    title: 'The same key with a different amount',
    requests: 2,
    charges: provider.charges.length,
    lines: [`second request ${refused}`],
  };
}

async function providerFailure(): Promise<StoryResult> {
  const { provider, charge } = setup();
  provider.failNext = 1;
  const first = await charge('pay-provider-down', 500).catch((error: Error) => error);
  const retry = await charge('pay-provider-down', 500);
  return {
    title: 'The provider fails, the client retries',
    requests: 2,
    charges: provider.charges.length,
    lines: [
      `first: threw "${first instanceof Error ? first.message : 'nothing'}", the key was released`,
      `retry: ${retry.status}, charge ${retry.value.id}`,
    ],
  };
}

async function crashedAttempt(): Promise<StoryResult> {
  // A short lease and no heartbeat stand in for a worker that froze mid-charge.
  const { provider, engine, events } = setup({ lease: 200, heartbeat: false });
  const key = 'pay-crash';
  const request = { amount: 7500, currency: 'eur' };
  const stuck = engine.run({ key, request }, async ({ fence }) => {
    await sleep(400);
    return { ...(await provider.charge(7500, 'eur', { key, fence })), fence };
  });
  await sleep(50);
  const duringLease = await engine
    .run({ key, request }, () => provider.charge(7500, 'eur'))
    .catch((error: unknown) => error);
  await sleep(200);
  const takeover = await engine.run({ key, request }, async ({ fence }) => ({
    ...(await provider.charge(7500, 'eur', { key, fence })),
    fence,
  }));
  const late = await stuck.catch((error: unknown) => error);
  const fenced = events.filter((e) => e.type === 'fenced').length;
  return {
    title: 'A worker freezes mid-charge; the retry takes over after its lease',
    requests: 3,
    charges: provider.charges.length,
    lines: [
      `retry during the lease: ${duringLease instanceof ConflictError ? `409 conflict, retry after ${Math.ceil(duringLease.retryAfterMs / 1000)}s` : 'not refused (wrong!)'}`,
      `retry after the lease: ${takeover.status} with fence ${takeover.value.fence}`,
      `the frozen worker woke up: its signal had fired (${fenced} fenced event(s)); the provider refused its fence ${provider.refusedStale.length === 1 ? 'as stale' : '(NOT refused: wrong!)'}`,
      `its error: ${late instanceof Error ? late.message : 'none (wrong!)'}`,
    ],
  };
}

export const stories = [
  retryAfterLostResponse,
  doubleClick,
  sameKeyOtherAmount,
  providerFailure,
  crashedAttempt,
];

export async function runStories(): Promise<StoryResult[]> {
  const results: StoryResult[] = [];
  for (const story of stories) results.push(await story());
  return results;
}
