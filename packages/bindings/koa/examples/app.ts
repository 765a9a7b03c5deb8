import { idempotency, type KoaContextLike } from '@oncely/koa';
import { MemoryStore } from '@oncely/memory';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import jwt from 'koa-jwt';

export const charges: { id: string; amount: number; customer: string }[] = [];
export const jwtSecret = process.env.JWT_SECRET ?? 'change-me';

export const app = new Koa();
app.use(bodyParser()); // first: the body is part of the request fingerprint
app.use(jwt({ secret: jwtSecret })); // then auth: `ctx.state.user` is who is calling
app.use(
  idempotency({
    store: new MemoryStore(),
    required: true,
    // Each customer's keys are their own: two customers may both send "order-42".
    scope: (_request, ctx: KoaContextLike) => ctx.state.user.sub,
  }),
);

app.use(async (ctx) => {
  if (ctx.method !== 'POST' || ctx.path !== '/charges') return;
  const { amount } = ctx.request.body as { amount: number };
  const customer = ctx.state.user.sub as string;
  const charge = { id: `ch_${charges.length + 1}`, amount: Number(amount), customer };
  charges.push(charge);
  ctx.status = 201;
  ctx.body = charge;
});
