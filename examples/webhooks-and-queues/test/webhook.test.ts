import { randomUUID } from 'node:crypto';
import { MemoryStore } from '@oncely/memory';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookReceiver, type PaymentEvent } from '../src/webhook-receiver.js';
import { signWebhook, verifyWebhook } from '../src/webhook-signature.js';

const SECRET = 'whsec_test_secret';
const now = () => Math.floor(Date.now() / 1000);

describe('a signed webhook receiver, deduplicating by event id', () => {
  let app: FastifyInstance;
  let url: string;
  const handled: PaymentEvent[] = [];
  let failNext = false;

  beforeAll(async () => {
    app = await createWebhookReceiver({
      store: new MemoryStore(),
      secret: SECRET,
      handle: async (event) => {
        if (failNext) {
          failNext = false;
          throw new Error('the ledger is down');
        }
        handled.push(event);
      },
    });
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/webhooks/payments`;
  });
  afterAll(() => app.close());

  const event = (id = `evt_${randomUUID()}`): PaymentEvent => ({
    id,
    type: 'payment.succeeded',
    data: { paymentId: `pay_${randomUUID()}`, amountCents: 1250 },
  });

  /** One delivery attempt as a provider makes it: the same bytes, a fresh signature. */
  async function deliver(raw: Buffer, signature = signWebhook(SECRET, raw, now())) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: raw,
    });
    return {
      status: response.status,
      replayed: response.headers.get('idempotent-replayed'),
      body: await response.text(),
    };
  }
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('an event delivered three times is handled once; the retries get the first answer', async () => {
    const raw = bytes(event());
    const replies = [await deliver(raw), await deliver(raw), await deliver(raw)];
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200]);
    expect(replies.map((reply) => reply.replayed)).toEqual([null, 'true', 'true']);
    expect(new Set(replies.map((reply) => reply.body)).size).toBe(1);
    expect(handled.filter((e) => e.id === JSON.parse(raw.toString()).id)).toHaveLength(1);
  });

  it('concurrent deliveries of one event: handled once, the others 409 (retried later) or replayed', async () => {
    const sent = event();
    const raw = bytes(sent);
    const replies = await Promise.all(Array.from({ length: 8 }, () => deliver(raw)));
    expect(replies.every((reply) => reply.status === 200 || reply.status === 409)).toBe(true);
    expect(replies.filter((reply) => reply.status === 200 && reply.replayed === null)).toHaveLength(
      1,
    );
    expect(handled.filter((e) => e.id === sent.id)).toHaveLength(1);
  });

  it('a forged, tampered or stale delivery is refused with 400 and claims nothing', async () => {
    const sent = event();
    const raw = bytes(sent);
    const tampered = bytes({ ...sent, data: { ...sent.data, amountCents: 1 } });
    const forged = signWebhook('whsec_someone_else', raw, now());
    const stale = signWebhook(SECRET, raw, now() - 301);
    for (const reply of [
      await deliver(raw, forged),
      await deliver(tampered, signWebhook(SECRET, raw, now())),
      await deliver(raw, stale),
      await deliver(raw, 'v1=deadbeef'),
    ]) {
      expect(reply.status).toBe(400);
    }
    // The genuine delivery still runs: nothing before it took its event id.
    const genuine = await deliver(raw);
    expect([genuine.status, genuine.replayed]).toEqual([200, null]);
    expect(handled.filter((e) => e.id === sent.id)).toHaveLength(1);
  });

  it('a handler failure releases the event: the provider retry handles it', async () => {
    const sent = event();
    failNext = true;
    expect((await deliver(bytes(sent))).status).toBe(500);
    const retry = await deliver(bytes(sent));
    expect([retry.status, retry.replayed]).toEqual([200, null]);
    expect(handled.filter((e) => e.id === sent.id)).toHaveLength(1);
  });

  it('a signed event without an id: 400 missing-key, not handled', async () => {
    const before = handled.length;
    const reply = await deliver(bytes({ type: 'payment.succeeded', data: {} }));
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({
      type: 'https://oncely.dev/problems/missing-key',
    });
    expect(handled.length).toBe(before);
  });

  it('the signature check: exact bytes, the tolerance both ways, any of several v1', () => {
    const raw = Buffer.from('{"id":"evt_1"}');
    const at = 1_700_000_000;
    const header = signWebhook(SECRET, raw, at);
    const clock = (seconds: number) => ({ now: (at + seconds) * 1000 });
    expect(verifyWebhook(SECRET, raw, header, clock(0))).toBe(true);
    expect(verifyWebhook(SECRET, raw, header, clock(300))).toBe(true);
    expect(verifyWebhook(SECRET, raw, header, clock(301))).toBe(false);
    expect(verifyWebhook(SECRET, raw, header, clock(-301))).toBe(false);
    expect(verifyWebhook(SECRET, Buffer.from('{"id":"evt_1"} '), header, clock(0))).toBe(false);
    const rolled = `${header},v1=${'0'.repeat(64)}`;
    const old = signWebhook('whsec_old', raw, at).split(',')[1];
    expect(verifyWebhook(SECRET, raw, rolled, clock(0))).toBe(true);
    expect(verifyWebhook(SECRET, raw, `t=${at},${old},${header.split(',')[1]}`, clock(0))).toBe(
      true,
    );
    expect(verifyWebhook(SECRET, raw, `t=${at},v1=abc`, clock(0))).toBe(false);
    expect(verifyWebhook(SECRET, raw, undefined, clock(0))).toBe(false);
    expect(verifyWebhook(SECRET, undefined, header, clock(0))).toBe(false);
  });
});
