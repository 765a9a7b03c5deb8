/**
 * One worker process: a real HTTP server (Fastify + @oncely/fastify) on a real store. Its
 * route's side effect is one line appended to a shared ledger file; every execution writes one.
 * It reports on stdout, one JSON object a line: when it listens, when a handler starts (with the
 * fence the engine gave it) and the engine's lifecycle events.
 */

import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { hashKey, namespacedKey, type OncelyEvent } from '@oncely/core';
import { idempotency } from '@oncely/fastify';
import Fastify from 'fastify';
import { openStore } from './store-config.js';
import {
  ENGINE_PREFIX,
  type LedgerEntry,
  WORKER_ENV,
  type WorkerConfig,
  type WorkerMessage,
} from './worker-config.js';

const config = JSON.parse(process.env[WORKER_ENV] ?? 'null') as WorkerConfig | null;
if (!config) throw new Error(`${WORKER_ENV} is not set`);

const say = (message: WorkerMessage): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

/**
 * The binding does not hand the route the fence, but the engine announces each acquisition
 * (`acquired`, by key hash) just before it runs the handler, and one process never owns a key
 * twice at once: so the handler finds its fence here.
 */
const fences = new Map<string, number>();

function onEvent(event: OncelyEvent): void {
  if (event.type === 'acquired') {
    fences.set(event.keyHash, event.fence);
    return;
  }
  // Too many to log; `settled` repeats what the others said, `store_call` is one per store call.
  if (
    event.type === 'replayed' ||
    event.type === 'conflict' ||
    event.type === 'settled' ||
    event.type === 'store_call'
  ) {
    return;
  }
  say({
    type: 'event',
    event: event.type,
    keyHash: event.keyHash,
    ...('fence' in event ? { fence: event.fence } : {}),
    ...('operation' in event ? { operation: event.operation } : {}),
    ...('error' in event ? { error: String((event.error as Error)?.message ?? event.error) } : {}),
  });
}

const { store } = openStore(config.store);
const app = Fastify();
await app.register(idempotency, {
  store,
  required: true,
  lease: config.leaseMs,
  storeTimeout: config.storeTimeoutMs,
  onEvent,
});

let slowestAnswerMs = 0;
app.addHook('onResponse', (_request, reply, done) => {
  if (reply.elapsedTime > slowestAnswerMs) {
    slowestAnswerMs = reply.elapsedTime;
    say({ type: 'slowest-answer', ms: slowestAnswerMs });
  }
  done();
});

const [minMs, maxMs] = config.handlerMs;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

app.post<{ Body: { amount: number } }>('/orders', async (request, reply) => {
  const key = String(request.headers['idempotency-key']);
  const keyHash = hashKey(namespacedKey(ENGINE_PREFIX, '', key));
  const fence = fences.get(keyHash) ?? 0;
  fences.delete(keyHash);
  say({ type: 'handler', key, fence });
  await sleep(minMs + Math.floor(Math.random() * (maxMs - minMs + 1)));
  // The side effect: one line per execution. O_APPEND writes this small are whole lines.
  const entry: LedgerEntry = { k: key, f: fence, p: process.pid, t: Date.now() };
  appendFileSync(config.ledger, `${JSON.stringify(entry)}\n`);
  // A fresh order id per execution: a second execution could never answer byte for byte alike.
  return reply
    .code(201)
    .send({ key, order: randomUUID(), amount: request.body.amount, fence, pid: process.pid });
});

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
say({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
