import { idempotency } from '@oncely/hono';
import { MemoryStore } from '@oncely/memory';
import { type Context, Hono } from 'hono';
import { type JwtVariables, jwt } from 'hono/jwt';

type Env = { Variables: JwtVariables<{ sub: string }> };

export const charges: { id: string; amount: number; customer: string }[] = [];
export const fences: number[] = [];
export const jwtSecret = process.env.JWT_SECRET ?? 'change-me';

const options = {
  store: new MemoryStore(),
  required: true,
  // Each customer's keys are their own: two customers may both send "order-42".
  scope: (_request: unknown, c: Context<Env>) => c.get('jwtPayload').sub,
};

export const app = new Hono<Env>();
app.use(jwt({ secret: jwtSecret, alg: 'HS256' })); // auth first: `c.get('jwtPayload')`
app.use(idempotency(options));

// A route with options of its own (a longer lease for a slow provider): it handles the route's
// requests, the app-level instance steps aside.
app.post('/charges', idempotency({ ...options, lease: '2m' }), async (c) => {
  const { amount } = await c.req.json<{ amount: number }>();
  // `fence` grows with every attempt that owns the key: hand it to systems you write to.
  fences.push(c.get('idempotency')?.fence ?? 0);
  const charge = { id: `ch_${charges.length + 1}`, amount, customer: c.get('jwtPayload').sub };
  charges.push(charge);
  return c.json(charge, 201);
});
