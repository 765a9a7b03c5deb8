import { idempotency } from '@oncely/koa';
import { MemoryStore } from '@oncely/memory';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';

export const charges: { id: string; amount: number }[] = [];

export const app = new Koa();
app.use(bodyParser()); // first: the body is part of the request fingerprint
app.use(idempotency({ store: new MemoryStore(), required: true }));

app.use(async (ctx) => {
  if (ctx.method !== 'POST' || ctx.path !== '/charges') return;
  const { amount } = ctx.request.body as { amount: number };
  const charge = { id: `ch_${charges.length + 1}`, amount: Number(amount) };
  charges.push(charge);
  ctx.status = 201;
  ctx.body = charge;
});
