import { createAttemptProbe, listenFetch, PROBE_LEASE_MS } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import { it } from 'vitest';
import { idempotencyAttempt, withIdempotency } from '../src/index.js';

it('gives the handler its fence and signal, and a takeover a larger fence', async () => {
  const probe = createAttemptProbe();
  const handler = withIdempotency(
    async (request) =>
      Response.json(await probe.respond(idempotencyAttempt(request)), { status: 201 }),
    { store: new MemoryStore(), lease: PROBE_LEASE_MS, heartbeat: false },
  );
  const server = await listenFetch(handler);
  try {
    await probe.check(`${server.url}/work`);
  } finally {
    await server.close();
  }
});

it('hands further arguments to the handler (Workers env and ctx, Next.js params)', async () => {
  const handler = withIdempotency(
    async (_request: Request, env: { greeting: string }) => new Response(env.greeting),
    { store: new MemoryStore() },
  );
  const response = await handler(new Request('http://x/'), { greeting: 'hi' });
  if ((await response.text()) !== 'hi') throw new Error('the argument did not reach the handler');
});
