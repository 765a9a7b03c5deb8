import { idempotency } from '@oncely/express';
import { MemoryStore } from '@oncely/memory';
import express from 'express';

export const charges: { id: string; amount: number }[] = [];

export const app: express.Express = express();
app.use(express.json()); // first: the body is part of the request fingerprint
app.use(idempotency({ store: new MemoryStore(), required: true }));

app.post('/charges', (req, res) => {
  const charge = { id: `ch_${charges.length + 1}`, amount: Number(req.body.amount) };
  charges.push(charge);
  res.status(201).json(charge);
});
