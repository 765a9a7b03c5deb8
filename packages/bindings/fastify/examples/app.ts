import { idempotency } from '@oncely/fastify';
import { MemoryStore } from '@oncely/memory';
import Fastify from 'fastify';

export const charges: { id: string; amount: number }[] = [];

export const app = Fastify();
await app.register(idempotency, { store: new MemoryStore(), required: true });

app.post<{ Body: { amount: number } }>('/charges', async (request, reply) => {
  const charge = { id: `ch_${charges.length + 1}`, amount: Number(request.body.amount) };
  charges.push(charge);
  return reply.code(201).send(charge);
});

// A route that opts out: no key needed, nothing stored.
app.post('/ping', { config: { idempotency: false } }, async () => ({ pong: true }));
