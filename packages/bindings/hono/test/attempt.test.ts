import { createAttemptProbe, listenFetch, PROBE_LEASE_MS } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import { Hono } from 'hono';
import { it } from 'vitest';
import { idempotency, idempotencyAttempt } from '../src/index.js';

it("gives the handler its fence and signal via c.get('idempotency'), and a takeover a larger fence", async () => {
  const probe = createAttemptProbe();
  const app = new Hono();
  app.use(idempotency({ store: new MemoryStore(), lease: PROBE_LEASE_MS, heartbeat: false }));
  app.post('/work', async (c) => {
    if (c.get('idempotency') !== idempotencyAttempt(c)) throw new Error('two attempts');
    return c.json(await probe.respond(c.get('idempotency')), 201);
  });
  const server = await listenFetch(app.fetch);
  try {
    await probe.check(`${server.url}/work`);
  } finally {
    await server.close();
  }
});
