import { createAttemptProbe, PROBE_LEASE_MS } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import Fastify from 'fastify';
import { it } from 'vitest';
import { idempotency, idempotencyAttempt } from '../src/index.js';

it('gives the route handler its fence and signal, and a takeover a larger fence', async () => {
  const probe = createAttemptProbe();
  const app = Fastify();
  await app.register(idempotency, {
    store: new MemoryStore(),
    lease: PROBE_LEASE_MS,
    heartbeat: false,
  });
  app.post('/work', async (request, reply) =>
    reply.code(201).send(await probe.respond(idempotencyAttempt(request))),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await probe.check(`${url}/work`);
  } finally {
    await app.close();
  }
});
