import type { AddressInfo } from 'node:net';
import { createAttemptProbe, PROBE_LEASE_MS } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { it } from 'vitest';
import { idempotency, idempotencyAttempt } from '../src/index.js';

it('gives the route handler its fence and signal, and a takeover a larger fence', async () => {
  const probe = createAttemptProbe();
  const app = new Koa();
  app.use(bodyParser());
  app.use(idempotency({ store: new MemoryStore(), lease: PROBE_LEASE_MS, heartbeat: false }));
  app.use(async (ctx) => {
    const body = await probe.respond(idempotencyAttempt(ctx));
    ctx.status = 201;
    ctx.body = body;
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await probe.check(`http://127.0.0.1:${(server.address() as AddressInfo).port}/work`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
