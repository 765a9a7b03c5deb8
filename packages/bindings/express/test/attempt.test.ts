import type { AddressInfo } from 'node:net';
import { createAttemptProbe, PROBE_LEASE_MS } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import express from 'express';
import { it } from 'vitest';
import { idempotency, idempotencyAttempt } from '../src/index.js';

it('gives the route handler its fence and signal, and a takeover a larger fence', async () => {
  const probe = createAttemptProbe();
  const app = express();
  app.use(express.json());
  app.use(idempotency({ store: new MemoryStore(), lease: PROBE_LEASE_MS, heartbeat: false }));
  app.post('/work', async (req, res) => {
    res.status(201).json(await probe.respond(idempotencyAttempt(req)));
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
