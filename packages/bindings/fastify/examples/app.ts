import fastifyJwt from '@fastify/jwt';
import { idempotency } from '@oncely/fastify';
import { MemoryStore } from '@oncely/memory';
import Fastify from 'fastify';

export const charges: { id: string; amount: number; customer: string }[] = [];
export const jwtSecret = process.env.JWT_SECRET ?? 'change-me';

export const app = Fastify();
// Your auth first: here @fastify/jwt, so `request.user` is who is calling.
await app.register(fastifyJwt, { secret: jwtSecret });
app.addHook('onRequest', async (request) => {
  await request.jwtVerify();
});
await app.register(idempotency, {
  store: new MemoryStore(),
  required: true,
  // Each customer's keys are their own: two customers may both send "order-42".
  scope: (_request, request) => (request.user as { sub: string }).sub,
});

app.post<{ Body: { amount: number } }>('/charges', async (request, reply) => {
  const customer = (request.user as { sub: string }).sub;
  const charge = { id: `ch_${charges.length + 1}`, amount: Number(request.body.amount), customer };
  charges.push(charge);
  return reply.code(201).send(charge);
});

// A route that opts out: no key needed, nothing stored.
app.post('/ping', { config: { idempotency: false } }, async () => ({ pong: true }));
