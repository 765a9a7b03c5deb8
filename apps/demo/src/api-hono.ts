import type { Duration, Store } from '@oncely/core';
import { idempotency } from '@oncely/hono';
import { type Context, Hono } from 'hono';
import { type Amount, type Answer, createPayments, type ProviderEvent } from './payments.js';

export interface HonoApiOptions {
  store: Store;
  providerUrl: string;
  /** As in api.ts: how long a charge holds its key, without heartbeat. Default `"2s"`. */
  chargeLease?: Duration;
}

/** What api.ts's JSON schema accepts: a whole positive amount and a 3-letter currency. */
function isAmount(body: unknown): body is Amount {
  const { amount, currency, ...rest } = (body ?? {}) as Record<string, unknown>;
  return (
    Number.isInteger(amount) &&
    (amount as number) >= 1 &&
    typeof currency === 'string' &&
    /^[a-z]{3}$/.test(currency) &&
    Object.keys(rest).length === 0
  );
}

function isEvent(body: unknown): body is ProviderEvent {
  const event = body as Partial<ProviderEvent> | null;
  return (
    typeof event?.id === 'string' &&
    event.id.length > 0 &&
    event.id.length <= 255 &&
    event.type === 'payment.succeeded' &&
    typeof event.data?.order === 'string' &&
    Number.isInteger(event.data.amount)
  );
}

const send = (c: Context, answer: Answer) =>
  c.json(answer.body as object, answer.status as 200 | 201 | 404 | 409 | 502);

async function jsonBody(c: Context): Promise<unknown> {
  return c.req.json().catch(() => undefined);
}

/**
 * The same payments API as api.ts, on Hono with `@oncely/hono`: per-route options are route
 * middlewares, the attempt is `c.get('idempotency')`.
 */
export function buildHonoApi(options: HonoApiOptions): Hono {
  const payments = createPayments(options.store, options.providerUrl);
  const app = new Hono();
  const invalid = (c: Context) => c.json({ error: 'invalid_body' }, 400);

  // Charges: a short lease and no heartbeat, so a frozen charge is taken over with a larger fence.
  const chargeKeys = idempotency({
    store: options.store,
    required: true,
    lease: options.chargeLease ?? '2s',
    heartbeat: false,
  });
  app.post('/charges', chargeKeys, async (c) => {
    const body = await jsonBody(c);
    const attempt = c.get('idempotency');
    if (!attempt) throw new Error('unreachable: the middleware requires a key on this route');
    if (!isAmount(body)) return invalid(c);
    return send(c, await payments.charge(body, c.req.header('idempotency-key') ?? '', attempt));
  });

  app.post('/orders', idempotency({ store: options.store, required: true }), async (c) => {
    const body = await jsonBody(c);
    return isAmount(body) ? send(c, payments.createOrder(body)) : invalid(c);
  });

  app.get('/orders/:id', (c) => send(c, payments.getOrder(c.req.param('id'))));

  app.post('/webhooks/provider', async (c) => {
    const body = await jsonBody(c);
    return isEvent(body) ? send(c, await payments.webhook(body)) : invalid(c);
  });
  return app;
}
