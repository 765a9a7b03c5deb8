import { randomUUID } from 'node:crypto';
import type { HttpIdempotencyOptions, HttpRequest, Store } from '@oncely/core';
import { describe, expect, it } from 'vitest';
import { send } from '../client.js';
import { jsonBody } from '../json-body.js';
import type { HttpScenarioTarget } from '../run.js';
import { problemType, seamStarter, storeOf, until } from './start.js';

const ROUTE_BASE = 'https://route.example/problems/';

/** A route-level fingerprint that counts only the amount: a note does not make another request. */
const amountOnly = (request: HttpRequest) =>
  JSON.stringify((jsonBody(request) as { amount?: unknown } | undefined)?.amount ?? null);

/** `store`, counting the acquires that found the key held by a running attempt. */
function watchHeld(store: Store): { store: Store; held: () => number } {
  let held = 0;
  const watched = new Proxy(store, {
    get(target, name) {
      if (name === 'acquire') {
        return async (input: Parameters<Store['acquire']>[0]) => {
          const result = await target.acquire(input);
          if (!result.acquired && result.record.state === 'in_progress') held++;
          return result;
        };
      }
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: watched, held: () => held };
}

/**
 * Issue 13, point 5, for the requests that find a key already stored or running: with an
 * app-level and a route-level registration whose options differ, the route's options answer
 * them too (its fingerprint, scope, lease, run times, `wait`). Where the app-level middleware
 * sees requests before routing (Express, Koa), a route setting it must answer with itself is
 * refused loudly instead of being answered two ways.
 */
export function nestingAnswers(target: HttpScenarioTarget): void {
  const outerFirst = target.nesting === 'outer-first';
  describe('app-level and route-level registrations: the route’s options answer retries and duplicates', () => {
    const start = seamStarter(target);

    it('the route’s fingerprint decides: what it counts as the same request replays, what it does not gets its 422', async () => {
      const server = await start({ routeLevel: { fingerprint: amountOnly } });
      const key = randomUUID();
      const first = await send(server.url('/r/order'), { key, body: { amount: 5, note: 'a' } });
      expect(first.status).toBe(201);
      const same = await send(server.url('/r/order'), { key, body: { amount: 5, note: 'b' } });
      expect(same.status).toBe(201);
      expect(same.headers.get('idempotent-replayed')).toBe('true');
      expect(same.body.equals(first.body)).toBe(true);
      const other = await send(server.url('/r/order'), { key, body: { amount: 6 } });
      expect(other.status).toBe(422);
      expect(other.json()).toMatchObject({ type: problemType('fingerprint-mismatch') });
      expect(server.app.calls('order')).toBe(1);
    });

    it('a duplicate while the first runs gets the route’s 409, Retry-After from the route’s run times', async () => {
      const server = await start({ routeLevel: { lease: '30s' } });
      // One run of 1.5 s or more, so the route's history says "about 2 s".
      const warm = await send(server.url('/r/order?delay=1500'), {
        key: randomUUID(),
        body: { a: 1 },
      });
      expect(warm.status).toBe(201);
      const release = server.app.hold('dup');
      const key = randomUUID();
      const first = send(server.url('/r/order?hold=dup'), { key, body: { a: 1 } });
      await until(() => server.app.calls('order') === 2);
      const duplicate = await send(server.url('/r/order?hold=dup'), { key, body: { a: 1 } });
      release();
      expect(duplicate.status).toBe(409);
      expect(duplicate.json()).toMatchObject({ type: problemType('conflict') });
      const retryAfter = Number(duplicate.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(2);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect((await first).status).toBe(201);
      const retry = await send(server.url('/r/order?hold=dup'), { key, body: { a: 1 } });
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(server.app.calls('order')).toBe(2);
    });

    it('with `wait`, a duplicate the route’s fingerprint counts as the same request waits and gets the replay', async () => {
      const { store, held } = watchHeld(await storeOf(target));
      const server = await start(
        { routeLevel: { fingerprint: amountOnly } },
        { wait: '20s', store },
      );
      const release = server.app.hold('wait');
      const key = randomUUID();
      const first = send(server.url('/r/order?hold=wait'), { key, body: { amount: 5, note: 'a' } });
      await until(() => server.app.calls('order') === 1);
      const duplicate = send(server.url('/r/order?hold=wait'), {
        key,
        body: { amount: 5, note: 'b' },
      });
      // The duplicate found the route's record running (and waits on it) before the first ends.
      await until(() => held() > 0);
      release();
      const [ran, waited] = await Promise.all([first, duplicate]);
      expect(ran.status).toBe(201);
      expect(waited.status).toBe(201);
      expect(waited.headers.get('idempotent-replayed')).toBe('true');
      expect(waited.body.equals(ran.body)).toBe(true);
      expect(server.app.calls('order')).toBe(1);
    });

    it('two servers on one store (two processes): a duplicate, a retry and a reuse that reach the other one get the route’s answers', async () => {
      const store = await storeOf(target);
      const seams = { routeLevel: { fingerprint: amountOnly, lease: '30s' } };
      const [one, other] = [await start(seams, { store }), await start(seams, { store })];
      const release = one.app.hold('pods');
      const key = randomUUID();
      const first = send(one.url('/r/order?hold=pods'), { key, body: { amount: 5, note: 'a' } });
      await until(() => one.app.calls('order') === 1);
      // The other server's route-level instance has never run: the store is all it knows.
      const duplicate = await send(other.url('/r/order?hold=pods'), {
        key,
        body: { amount: 5, note: 'b' },
      });
      release();
      expect(duplicate.status).toBe(409);
      const ran = await first;
      expect(ran.status).toBe(201);
      const retry = await send(other.url('/r/order?hold=pods'), {
        key,
        body: { amount: 5, note: 'c' },
      });
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body.equals(ran.body)).toBe(true);
      const reuse = await send(other.url('/r/order?hold=pods'), { key, body: { amount: 6 } });
      expect(reuse.status).toBe(422);
      expect(one.app.calls('order') + other.app.calls('order')).toBe(1);
    });

    it('the route’s scope is the route’s: two tenants with one key each run once, each retry gets its own', async () => {
      const byTenant = (request: HttpRequest) => String(request.headers['x-tenant']);
      const server = await start({ routeLevel: { scope: byTenant } });
      const key = randomUUID();
      const as = (tenant: string) =>
        send(server.url('/r/whoami'), { key, body: { a: 1 }, headers: { 'x-tenant': tenant } });
      const [a, b] = [await as('t1'), await as('t2')];
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.headers.get('idempotent-replayed')).toBeNull();
      const [againA, againB] = [await as('t1'), await as('t2')];
      expect(againA.headers.get('idempotent-replayed')).toBe('true');
      expect(againA.body.equals(a.body)).toBe(true);
      expect(againB.body.equals(b.body)).toBe(true);
      expect(server.app.calls('whoami')).toBe(2);
    });

    if (outerFirst) {
      const refused: [string, Partial<HttpIdempotencyOptions>, Partial<HttpIdempotencyOptions>][] =
        [
          ['wait', { wait: '5s' }, {}],
          ['problemTypeBase', { problemTypeBase: ROUTE_BASE }, {}],
          ['problems', { problems: 'throw' }, {}],
          ['header', { header: 'X-Route-Key' }, {}],
          ['required', { required: false }, { required: true }],
          ['methods', { methods: ['PATCH'] }, {}],
        ];
      it.each(refused)(
        'a route-level `%s` that differs from the app-level one is refused: 500 naming it, nothing runs, the key is not held',
        async (setting, routeLevel, options) => {
          const server = await start({ routeLevel }, options);
          const key = randomUUID();
          for (let i = 0; i < 2; i++) {
            const reply = await send(server.url('/r/order'), { key, body: { a: 1 } });
            expect(reply.status).toBe(500);
            expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            const problem = reply.json() as { type: string; detail: string };
            expect(problem.type).toMatch(/nesting-mismatch$/);
            expect(problem.detail).toContain(`\`${setting}\``);
            expect(problem.detail).toContain('set it the same in both registrations');
          }
          expect(server.app.calls('order')).toBe(0);
        },
      );
    } else {
      it('every setting may differ per route: the route’s problem type base and `wait` answer', async () => {
        const { store, held } = watchHeld(await storeOf(target));
        const server = await start(
          { routeLevel: { problemTypeBase: ROUTE_BASE, wait: '20s' } },
          { store },
        );
        const release = server.app.hold('route');
        const key = randomUUID();
        const first = send(server.url('/r/order?hold=route'), { key, body: { a: 1 } });
        await until(() => server.app.calls('order') === 1);
        const duplicate = send(server.url('/r/order?hold=route'), { key, body: { a: 1 } });
        await until(() => held() > 0);
        release();
        expect((await duplicate).headers.get('idempotent-replayed')).toBe('true');
        expect((await first).status).toBe(201);
        const other = await send(server.url('/r/order'), { key, body: { a: 2 } });
        expect(other.json()).toMatchObject({
          type: problemType('fingerprint-mismatch', ROUTE_BASE),
        });
      });
    }
  });
}
