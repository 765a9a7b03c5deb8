import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { send } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import express from 'express';
import { expect, it } from 'vitest';
import { idempotency, idempotencyAttempt } from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('gives the route handler its fence and signal, and a takeover a larger fence', async () => {
  const app = express();
  app.use(express.json());
  // A short lease without heartbeat: a handler slower than 300 ms loses its key.
  app.use(idempotency({ store: new MemoryStore(), lease: 300, heartbeat: false }));
  const seen: { fence: number; aborted: boolean }[] = [];
  let calls = 0;
  app.post('/work', async (req, res) => {
    const attempt = idempotencyAttempt(req);
    if (!attempt) {
      res.status(201).json({ fence: null });
      return;
    }
    const call = calls++;
    if (call === 0) await sleep(600); // only the first attempt is slow
    seen[call] = { fence: attempt.fence, aborted: attempt.signal.aborted };
    res.status(201).json({ fence: attempt.fence });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const key = randomUUID();
    const slow = send(`${url}/work`, { key, body: { amount: 1 } });
    await sleep(400); // past the first attempt's lease
    const takeover = await send(`${url}/work`, { key, body: { amount: 1 } });
    await slow;
    const [first, second] = seen;
    expect(takeover.json()).toEqual({ fence: second?.fence });
    expect(second?.fence).toBeGreaterThan(first?.fence ?? Number.POSITIVE_INFINITY);
    expect(first?.aborted).toBe(true); // the first attempt was told it lost the key
    expect(second?.aborted).toBe(false);
    const keyless = await send(`${url}/work`, { body: { amount: 1 } });
    expect(keyless.json()).toEqual({ fence: null });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
