import { idempotency } from '@oncely/express';
import { MemoryStore } from '@oncely/memory';
import express, { type Request } from 'express';
import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';

export const charges: { id: string; amount: number; customer: string }[] = [];

// Your auth: here passport with bearer tokens; `req.user` is who is calling.
export const tokens = new Map([
  ['token-alice', { id: 'alice' }],
  ['token-bob', { id: 'bob' }],
]);
passport.use(new BearerStrategy((token, done) => done(null, tokens.get(token) ?? false)));

export const app: express.Express = express();
app.use(express.json()); // first: the body is part of the request fingerprint
app.use(passport.authenticate('bearer', { session: false })); // then auth: scope reads req.user
app.use(
  idempotency<Request>({
    store: new MemoryStore(),
    required: true,
    // Each customer's keys are their own: two customers may both send "order-42".
    scope: (_request, req) => (req.user as { id: string }).id,
  }),
);

app.post('/charges', (req, res) => {
  const customer = (req.user as { id: string }).id;
  const charge = { id: `ch_${charges.length + 1}`, amount: Number(req.body.amount), customer };
  charges.push(charge);
  res.status(201).json(charge);
});
