import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { streamByte } from '../app.js';
import { send } from '../client.js';
import type { HttpScenarioTarget } from '../run.js';
import { problemType, seamStarter } from './start.js';

/**
 * Issue 13, point 5: registered on the app and again on a route, the binding handles each
 * request with exactly one instance. The route's instance runs the handler (its lease, TTL and
 * policy apply), and so does its answer to a request that finds the key stored or running
 * (`nesting-answers.ts`).
 */
export function nesting(target: HttpScenarioTarget): void {
  describe('app-level and route-level registrations: one instance per request, the route’s', () => {
    const start = seamStarter(target);

    it('the handler runs once (no 409 from the outer instance), the retry replays, another body is refused', async () => {
      const server = await start({ routeLevel: { lease: '20s' } });
      const key = randomUUID();
      const first = await send(server.url('/r/order'), { key, body: { a: 1 } });
      expect(first.status).toBe(201);
      const again = await send(server.url('/r/order'), { key, body: { a: 1 } });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.equals(first.body)).toBe(true);
      const other = await send(server.url('/r/order'), { key, body: { a: 2 } });
      expect(other.status).toBe(422);
      expect(other.json()).toMatchObject({ type: problemType('fingerprint-mismatch') });
      expect(server.app.calls('order')).toBe(1);
    });

    it('a route-level policy overrides the app-level one', async () => {
      const server = await start({ routeLevel: { shouldStore: () => false } });
      const key = randomUUID();
      const first = await send(server.url('/r/order'), { key, body: { a: 1 } });
      const again = await send(server.url('/r/order'), { key, body: { a: 1 } });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect(server.app.calls('order')).toBe(2);
    });

    it('a stream past the route’s maxBodyBytes reaches the client whole through both registrations', async () => {
      const server = await start({ routeLevel: { maxBodyBytes: 64 * 1024 } });
      const size = 512 * 1024 + 3;
      const reply = await send(server.url(`/r/stream?size=${size}`), { key: randomUUID() });
      expect(reply.status).toBe(200);
      expect(reply.body).toHaveLength(size);
      for (let i = 0; i < size; i += 997) expect(reply.body[i]).toBe(streamByte(i));
    });

    it('50 concurrent identical requests through both registrations run the handler once', async () => {
      const server = await start({ routeLevel: { lease: '20s' } });
      const key = randomUUID();
      const replies = await Promise.all(
        Array.from({ length: 50 }, () =>
          send(server.url('/r/order?delay=200'), { key, body: { n: 1 } }),
        ),
      );
      expect(server.app.calls('order')).toBe(1);
      const ran = replies.find((r) => r.status === 201 && !r.headers.get('idempotent-replayed'));
      expect(ran).toBeDefined();
      for (const reply of replies) {
        if (reply.status === 409) continue;
        expect(reply.status).toBe(201);
        expect(reply.body.equals(ran?.body ?? Buffer.alloc(0))).toBe(true);
      }
    });
  });
}
