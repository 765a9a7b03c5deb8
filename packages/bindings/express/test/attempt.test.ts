import { createAttemptProbe, PROBE_LEASE_MS } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import express from 'express';
import { it } from 'vitest';
import { idempotency, idempotencyAttempt } from '../src/index.js';
import { listen } from './listen.js';

it('gives the route handler its fence and signal, and a takeover a larger fence', async () => {
  const probe = createAttemptProbe();
  const app = express();
  app.use(express.json());
  app.use(idempotency({ store: new MemoryStore(), lease: PROBE_LEASE_MS, heartbeat: false }));
  app.post('/work', async (req, res) => {
    res.status(201).json(await probe.respond(idempotencyAttempt(req)));
  });
  const { origin, close } = await listen(app);
  try {
    await probe.check(`${origin}/work`);
  } finally {
    close();
  }
});
