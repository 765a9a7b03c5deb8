import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { send } from '../client.js';
import type { HttpScenarioTarget } from '../run.js';
import { seamStarter } from './start.js';
import { bearer, signToken } from './tokens.js';

/**
 * Issue 13, point 3: a refusal that is not the operation's outcome is not stored. Auth mounted
 * after the binding answers 401; the client's retry with a good token must run the operation.
 */
export function authOrder(target: HttpScenarioTarget): void {
  describe('auth after the binding, and unmatched routes: released, never replayed', () => {
    const start = seamStarter(target);

    it('route-level auth answers 401; the retry with a valid token and the same key runs', async () => {
      const server = await start({ auth: 'route' });
      const key = randomUUID();
      const refused = await send(server.url('/r/order'), {
        key,
        body: { a: 1 },
        headers: bearer('expired'),
      });
      expect(refused.status).toBe(401);
      const retry = await send(server.url('/r/order'), {
        key,
        body: { a: 1 },
        headers: bearer(signToken('alice')),
      });
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(server.app.calls('order')).toBe(1);
    });

    it.each([401, 403])('a %i from the handler is released: the retry runs again', async (code) => {
      const server = await start({});
      const key = randomUUID();
      const first = await send(server.url(`/r/status?code=${code}`), { key, body: { a: 1 } });
      const again = await send(server.url(`/r/status?code=${code}`), { key, body: { a: 1 } });
      expect([first.status, again.status]).toEqual([code, code]);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect(server.app.calls('status')).toBe(2);
    });

    it("the framework's 404 for a route that does not exist is not stored", async () => {
      const server = await start({});
      const key = randomUUID();
      const first = await send(server.url('/no-such-route'), { key, body: { a: 1 } });
      const again = await send(server.url('/no-such-route'), { key, body: { a: 1 } });
      expect([first.status, again.status]).toEqual([404, 404]);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
    });
  });
}
