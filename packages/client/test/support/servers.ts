import type { AddressInfo } from 'node:net';
import type { Store } from '@oncely/core';
import { idempotency as expressIdempotency } from '@oncely/express';
import { idempotency as fastifyIdempotency } from '@oncely/fastify';
import express from 'express';
import Fastify from 'fastify';

/** What the operation's handler answers: which operation, and which execution made it. */
export interface Charge {
  op: string;
  amount: number;
  execution: number;
}

/**
 * What the handlers saw, shared by every server of a test (two servers on one shared store are
 * one service): executions per operation, the first answer of each, and every key received.
 */
export class Ledger {
  executions = 0;
  readonly runs = new Map<string, number>();
  readonly first = new Map<string, Charge>();
  /** `Idempotency-Key` header values, in arrival order, of every request a server received. */
  readonly keys: string[] = [];
  /** Handlers that have started, by operation: a test waits on them to act mid-run. */
  readonly started = new Set<string>();
  /** Operations whose handler waits for `hold`'s promise before it answers. */
  readonly holds = new Map<string, Promise<void>>();
  /** A pause inside every handler, so concurrent attempts overlap (a macrotask or a few). */
  pause: () => Promise<void> = () => Promise.resolve();

  async execute(body: { op: string; amount: number }): Promise<Charge> {
    this.started.add(body.op);
    await this.holds.get(body.op);
    await this.pause();
    const charge = { op: body.op, amount: body.amount, execution: ++this.executions };
    this.runs.set(body.op, (this.runs.get(body.op) ?? 0) + 1);
    if (!this.first.has(body.op)) this.first.set(body.op, charge);
    return charge;
  }
}

export interface TestServer {
  name: string;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `POST /charges` behind @oncely/fastify, keys required, on `store`. */
export async function startFastify(
  store: Store,
  ledger: Ledger,
  options: { lease?: string } = {},
): Promise<TestServer> {
  const app = Fastify();
  app.addHook('onRequest', async (request) => {
    ledger.keys.push(String(request.headers['idempotency-key']));
  });
  await app.register(fastifyIdempotency, { store, required: true, lease: options.lease ?? '30s' });
  app.post<{ Body: { op: string; amount: number } }>('/charges', async (request, reply) =>
    reply.code(201).send(await ledger.execute(request.body)),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    name: 'fastify',
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

/** The same `POST /charges` behind @oncely/express. */
export async function startExpress(
  store: Store,
  ledger: Ledger,
  options: { lease?: string } = {},
): Promise<TestServer> {
  const app = express();
  app.use((req, _res, next) => {
    ledger.keys.push(String(req.headers['idempotency-key']));
    next();
  });
  app.use(express.json());
  app.use(expressIdempotency({ store, required: true, lease: options.lease ?? '30s' }));
  app.post('/charges', (req, res, next) => {
    ledger.execute(req.body).then((charge) => res.status(201).json(charge), next);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    name: 'express',
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
