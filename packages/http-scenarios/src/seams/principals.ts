import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { send } from '../client.js';
import type { HttpScenarioTarget } from '../run.js';
import { problemType, seamStarter, until } from './start.js';
import { bearer, signToken } from './tokens.js';

interface Who {
  apiKey: string | null;
  run: number;
}

/**
 * Issue 13, points 1 and 2: a stored response is never replayed to a caller with other
 * credentials, and `scope` can name the authenticated principal from the framework's request.
 */
export function principals(target: HttpScenarioTarget): void {
  describe('principals: a response never reaches a caller with other credentials', () => {
    const start = seamStarter(target);
    const alice = signToken('alice');
    const bob = signToken('bob');

    it('no scope: another user with the same key and body is refused (422), never given the first response', async () => {
      const server = await start({ auth: 'app' });
      const key = 'order-42';
      const first = await send(server.url('/r/whoami'), {
        key,
        body: { amount: 5 },
        headers: bearer(alice),
      });
      const other = await send(server.url('/r/whoami'), {
        key,
        body: { amount: 5 },
        headers: bearer(bob),
      });
      expect(first.status).toBe(201);
      expect(other.status).toBe(422);
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      expect(other.json()).toMatchObject({
        type: problemType('credentials-mismatch'),
        status: 422,
      });
      expect(other.body.toString()).not.toContain(alice);
      expect(server.app.calls('whoami')).toBe(1);
      // The first caller's own retry still gets its response.
      const retry = await send(server.url('/r/whoami'), {
        key,
        body: { amount: 5 },
        headers: bearer(alice),
      });
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect((retry.json() as Who).apiKey).toBe(`Bearer ${alice}`);
    });

    it('no scope: cookies count as credentials; an anonymous caller does not get a signed-in one’s response', async () => {
      const server = await start({});
      const key = randomUUID();
      const first = await send(server.url('/r/whoami'), {
        key,
        body: { a: 1 },
        headers: { cookie: 'sid=alice' },
      });
      const other = await send(server.url('/r/whoami'), {
        key,
        body: { a: 1 },
        headers: { cookie: 'sid=bob' },
      });
      const anonymous = await send(server.url('/r/whoami'), { key, body: { a: 1 } });
      expect(first.status).toBe(201);
      for (const reply of [other, anonymous]) {
        expect(reply.status).toBe(422);
        expect(reply.json()).toMatchObject({ type: problemType('credentials-mismatch') });
      }
      expect(server.app.calls('whoami')).toBe(1);
    });

    it('no scope: the same user with a refreshed token is refused, never run a second time', async () => {
      const server = await start({ auth: 'app' });
      const key = randomUUID();
      await send(server.url('/r/whoami'), { key, body: { a: 1 }, headers: bearer(alice) });
      const refreshed = await send(server.url('/r/whoami'), {
        key,
        body: { a: 1 },
        headers: bearer(signToken('alice', 1)),
      });
      expect(refreshed.status).toBe(422);
      expect(server.app.calls('whoami')).toBe(1);
    });

    it('no scope: two users racing on one key: one run, the other refused, no body crosses', async () => {
      const server = await start({ auth: 'app' });
      const key = randomUUID();
      const users = Array.from({ length: 10 }, (_, i) => signToken(`user-${i}`));
      const first = send(server.url('/r/whoami?delay=300'), {
        key,
        body: { a: 1 },
        headers: bearer(alice),
      });
      await until(() => server.app.calls('whoami') > 0);
      const others = await Promise.all(
        users.map((token) =>
          send(server.url('/r/whoami?delay=300'), { key, body: { a: 1 }, headers: bearer(token) }),
        ),
      );
      expect((await first).status).toBe(201);
      for (const reply of others) {
        expect(reply.status).toBe(422);
        expect(reply.body.toString()).not.toContain(alice);
      }
      expect(server.app.calls('whoami')).toBe(1);
    });

    it("scope from the framework's own request (req.user, request.user, ctx.state.user): each user has their own key; a refreshed token replays", async () => {
      const server = await start({ auth: 'app', scopeByUser: true });
      const key = 'order-42';
      const a = await send(server.url('/r/whoami'), {
        key,
        body: { a: 1 },
        headers: bearer(alice),
      });
      const b = await send(server.url('/r/whoami'), { key, body: { a: 1 }, headers: bearer(bob) });
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.headers.get('idempotent-replayed')).toBeNull();
      expect((b.json() as Who).apiKey).toBe(`Bearer ${bob}`);
      const refreshed = await send(server.url('/r/whoami'), {
        key,
        body: { a: 1 },
        headers: bearer(signToken('alice', 1)),
      });
      expect(refreshed.headers.get('idempotent-replayed')).toBe('true');
      expect(refreshed.body.equals(a.body)).toBe(true);
      expect(server.app.calls('whoami')).toBe(2);
    });
  });
}
