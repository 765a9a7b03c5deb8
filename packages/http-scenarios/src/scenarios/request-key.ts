import { randomUUID } from 'node:crypto';
import { type HttpRequest, InvalidKeyError } from '@oncely/core';
import { describe, expect, it } from 'vitest';
import { send } from '../client.js';
import { jsonBody } from '../json-body.js';
import type { Servers } from '../security/context.js';

const problemType = (code: string) => `https://oncely.dev/problems/${code}`;

/** A webhook's key: its event id, from the JSON body. */
const eventId = (request: HttpRequest) => (jsonBody(request) as { id?: unknown } | undefined)?.id;

/**
 * `key(request)` in place of the header: a webhook's event id from its body. The same rules
 * and answers as the header's, and the header is not looked at.
 */
export function requestKeyScenarios(servers: Servers): void {
  describe('key(request) instead of the header', () => {
    it('the key comes from the body: a redelivered event replays, another event runs', async () => {
      const { app, url } = await servers.start({ key: (request) => eventId(request) as string });
      const id = `evt_${randomUUID()}`;
      const first = await send(url('/r/order'), { body: { id, type: 'charge.succeeded' } });
      const again = await send(url('/r/order'), { body: { id, type: 'charge.succeeded' } });
      const other = await send(url('/r/order'), { body: { id: `${id}-2`, type: 'x' } });
      expect([first.status, again.status, other.status]).toEqual([201, 201, 201]);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.equals(first.body)).toBe(true);
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      expect(app.calls('order')).toBe(2);
    });

    it('the same event id with another body: 422, not run', async () => {
      const { app, url } = await servers.start({ key: (request) => eventId(request) as string });
      const id = `evt_${randomUUID()}`;
      expect((await send(url('/r/order'), { body: { id, amount: 1 } })).status).toBe(201);
      const other = await send(url('/r/order'), { body: { id, amount: 2 } });
      expect(other.status).toBe(422);
      expect(other.json()).toMatchObject({ type: problemType('fingerprint-mismatch') });
      expect(app.calls('order')).toBe(1);
    });

    it('an async key function, handed the framework request too', async () => {
      const natives: unknown[] = [];
      const { app, url } = await servers.start({
        key: async (request, native) => {
          natives.push(native);
          await new Promise((resolve) => setImmediate(resolve));
          return request.headers['x-event-id'] as string | undefined;
        },
      });
      const id = randomUUID();
      const headers = { 'x-event-id': id };
      await send(url('/r/order'), { headers, body: { a: 1 } });
      const again = await send(url('/r/order'), { headers, body: { a: 1 } });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(app.calls('order')).toBe(1);
      expect(natives).toHaveLength(2);
      expect(natives.every((native) => typeof native === 'object' && native !== null)).toBe(true);
    });

    it('with key set, the header is neither read nor checked', async () => {
      const { app, url } = await servers.start({
        header: 'Idempotency-Key',
        key: (request) => eventId(request) as string,
      });
      const id = `evt_${randomUUID()}`;
      // A malformed header does not matter, and a different one does not make another key.
      const first = await send(url('/r/order'), { key: '"not closed', body: { id } });
      const again = await send(url('/r/order'), { key: randomUUID(), body: { id } });
      expect(first.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(app.calls('order')).toBe(1);
    });

    it('no key (undefined or null) when optional: passed through and run every time', async () => {
      const { app, url } = await servers.start({ key: (request) => eventId(request) as string });
      const replies = [
        await send(url('/r/order'), { body: { type: 'ping' } }),
        await send(url('/r/order'), { body: { type: 'ping' } }),
        await send(url('/r/order'), { body: { id: null, type: 'ping' } }),
      ];
      expect(replies.map((reply) => reply.status)).toEqual([201, 201, 201]);
      expect(replies.some((reply) => reply.headers.has('idempotent-replayed'))).toBe(false);
      expect(app.calls('order')).toBe(3);
    });

    it('no key with required: 400 missing-key, not run', async () => {
      const { app, url } = await servers.start({
        required: true,
        key: (request) => eventId(request) as string,
      });
      const reply = await send(url('/r/order'), { key: randomUUID(), body: { type: 'ping' } });
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.json()).toMatchObject({ type: problemType('missing-key'), status: 400 });
      expect(app.calls('order')).toBe(0);
    });

    it.each([
      ['empty', ''],
      ['256 characters', 'e'.repeat(256)],
      ['a space', 'evt 1'],
      ['not ASCII', 'évt_1'],
      ['a number', 42],
    ])('a key that is %s: 400 invalid-key, not run', async (_, id) => {
      const { app, url } = await servers.start({ key: (request) => eventId(request) as string });
      const reply = await send(url('/r/order'), { body: { id } });
      expect(reply.status).toBe(400);
      expect(reply.json()).toMatchObject({ type: problemType('invalid-key'), status: 400 });
      expect(app.calls('order')).toBe(0);
    });

    it('key throws InvalidKeyError: 400 invalid-key with its detail, not run', async () => {
      const { app, url } = await servers.start({
        key: () => {
          throw new InvalidKeyError('The event has no id we can trust.');
        },
      });
      const reply = await send(url('/r/order'), { body: { id: 'evt_1' } });
      expect(reply.status).toBe(400);
      expect(reply.json()).toMatchObject({
        type: problemType('invalid-key'),
        detail: 'The event has no id we can trust.',
      });
      expect(app.calls('order')).toBe(0);
    });

    it("key throws another error: the framework's error handling (500), not run, key untouched", async () => {
      let broken = true;
      const { app, url } = await servers.start({
        key: (request) => {
          if (broken) throw new TypeError('a bug in the key function');
          return eventId(request) as string;
        },
      });
      const id = `evt_${randomUUID()}`;
      const failed = await send(url('/r/order'), { body: { id } });
      expect(failed.status).toBe(500);
      expect(app.calls('order')).toBe(0);
      // Nothing was acquired: once the bug is fixed, the same event runs (once).
      broken = false;
      const fixed = await send(url('/r/order'), { body: { id } });
      expect(fixed.status).toBe(201);
      expect(fixed.headers.get('idempotent-replayed')).toBeNull();
      expect(app.calls('order')).toBe(1);
    });

    it('a key option that is not a function is refused at setup', async () => {
      await expect(servers.start({ key: 'id' as never })).rejects.toThrow(/key/);
    });
  });
}
