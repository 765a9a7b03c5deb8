import { type AttemptEvent, createClient, type IdempotentResponse } from '@oncely/client';
import { FaultProxy } from '@oncely/testing/fault-proxy';
import type { Answer } from './http-client.js';
import type { FakeProvider } from './provider.js';

/** What a story needs from the demo: where the API is, the provider's counts, a fresh key. */
export interface ClientStoryContext {
  apiPort: number;
  provider: FakeProvider;
  keyFor: (story: string) => string;
}

const json = { 'content-type': 'application/json' };

/** The answer as the other stories count it, read from the client's response. */
async function answer(response: IdempotentResponse): Promise<Answer> {
  return {
    status: response.status,
    replayed: response.idempotency.replayed,
    body: await response.json(),
  };
}

/** Every attempt, as the client reported it: `1: no answer`, `2: 201 replayed`. */
function attemptsLine(events: readonly AttemptEvent[]): string {
  return events
    .map((e) => `${e.attempt}: ${e.status ?? 'no answer'}${e.replayed ? ' replayed' : ''}`)
    .join(', ');
}

/** What the API's answers were, per attempt the client made ("no answer" for a lost one). */
function attemptCounts(events: readonly AttemptEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    const status = e.status === undefined ? 'no answer' : String(e.status);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/**
 * @oncely/client through a proxy that resets the connection instead of delivering the API's
 * first answer: the charge was made, the client never heard. It retries with the same key
 * and gets the original charge back as a replay.
 */
export async function clientLostResponse(context: ClientStoryContext) {
  const proxy = await FaultProxy.start(context.apiPort, {
    response: (n) => (n === 0 ? 'lose' : 'pass'),
  });
  const events: AttemptEvent[] = [];
  const client = createClient({ onAttempt: (event) => events.push(event) });
  const key = context.keyFor('client-lost');
  try {
    const response = await client.fetch(`${proxy.url}/charges`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ amount: 2500, currency: 'eur' }),
      idempotencyKey: key,
    });
    const got = await answer(response);
    const charges = context.provider.chargesFor(key);
    return {
      title: '@oncely/client: the answer is lost on the way back',
      plays:
        'one client.fetch POST /charges through a proxy that resets the connection after the API answered',
      requests: events.length,
      answers: attemptCounts(events),
      charges: charges.length,
      lines: [
        `attempts, as the client reported them (one key, ${key}): ${attemptsLine(events)}`,
        `the caller got ${got.status}${got.replayed ? ' replayed' : ''}, charge ${got.body?.id}: ${
          got.body?.id === charges[0]?.id
            ? 'the charge the API made'
            : 'NOT the charge made (wrong!)'
        }`,
      ],
    };
  } finally {
    await proxy.close();
  }
}

/**
 * Ten calls the caller says are one operation (one key), at once: the client turns the 409s
 * into waits of the server's Retry-After, and every call ends with the same charge.
 */
export async function clientDoubleClick(context: ClientStoryContext) {
  const events: AttemptEvent[] = [];
  const client = createClient({ onAttempt: (event) => events.push(event) });
  const key = context.keyFor('client-clicks');
  const url = `http://127.0.0.1:${context.apiPort}/charges`;
  const responses = await Promise.all(
    Array.from({ length: 10 }, () =>
      client.fetch(url, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ amount: 1500, currency: 'eur' }),
        idempotencyKey: key,
      }),
    ),
  );
  const answers = await Promise.all(responses.map(answer));
  const conflicts = events.filter((e) => e.status === 409);
  const ids = new Set(answers.map((a) => a.body?.id));
  return {
    title: '@oncely/client: a double click the client waits out',
    plays:
      '10 client.fetch POST /charges at once, one key (the caller says they are one operation)',
    requests: events.length,
    answers: attemptCounts(events),
    charges: context.provider.chargesFor(key).length,
    lines: [
      `${conflicts.length} attempt(s) got 409 and waited the Retry-After (${
        conflicts[0]?.retryAfterMs ?? 0
      } ms) before asking again; ${answers.filter((a) => a.replayed).length} calls ended with the replay`,
      `distinct charge ids returned: ${ids.size}`,
    ],
  };
}
