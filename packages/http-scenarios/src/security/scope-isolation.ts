import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Reply, send } from '../client.js';
import type { Servers } from './context.js';

/**
 * Tenant ids chosen to break a naive `scope + key` join: prefixes of each other, ids holding
 * ':' and the digits oncely writes in front of a scope, separators, an empty id, latin1.
 */
const TRICKY_TENANTS = [
  'a',
  'ab',
  'a:',
  ':a',
  'a:b',
  'a:b:c',
  '1:a',
  '3:a:b',
  'oncely:',
  'oncely:1:a',
  '',
  '|',
  'a|b',
  '%3A',
  'a/b',
  'caf\u00e9',
  'tenant-1',
  'tenant-10',
  'tenant-100',
];

/** Keys that, joined with the tenants above, would collide without an unambiguous separator. */
const COLLIDING_KEYS = ['b', 'b:c', 'c', ':b', '1:b', 'a:b'];

interface Who {
  tenant: string | null;
  apiKey: string | null;
  run: number;
}

export function scopeIsolation(servers: Servers): void {
  describe('scope isolation: another tenant replaying a key never gets the first tenant’s response', () => {
    it('50 tenants (prefixes, ":" and separators in ids) × colliding keys, all at once', async () => {
      const tenants = [...TRICKY_TENANTS];
      for (let i = tenants.length; i < 50; i++) tenants.push(`t${i}`, `t${i}:`);
      tenants.length = 50;
      const server = await servers.start({
        wait: '20s',
        scope: (request) => String(request.headers['x-tenant'] ?? ''),
      });
      // Identical requests apart from the tenant: a leak would show as a replay of another
      // tenant's body, never as a mismatch.
      const jobs = tenants.flatMap((tenant) =>
        COLLIDING_KEYS.flatMap((key) =>
          [0, 1].map(async () => ({
            tenant,
            key,
            reply: await send(server.url('/r/whoami?delay=20'), {
              key,
              body: { amount: 100 },
              headers: { 'x-tenant': tenant },
            }),
          })),
        ),
      );
      const results = await Promise.all(jobs);
      const runsByPair = new Map<string, Set<number>>();
      const seenRuns = new Map<number, string>();
      for (const { tenant, key, reply } of results) {
        expect(reply.status).toBe(201);
        const who = reply.json() as Who;
        expect(who.tenant, `tenant ${JSON.stringify(tenant)} key ${key}`).toBe(tenant);
        const pair = JSON.stringify([tenant, key]);
        const runs = runsByPair.get(pair) ?? new Set();
        runs.add(who.run);
        runsByPair.set(pair, runs);
        // One run belongs to exactly one tenant.
        const owner = seenRuns.get(who.run) ?? pair;
        expect(owner).toBe(pair);
        seenRuns.set(who.run, pair);
      }
      // Each tenant's key ran once, and its two requests got that one result.
      for (const runs of runsByPair.values()) expect(runs.size).toBe(1);
      expect(server.app.calls('whoami')).toBe(tenants.length * COLLIDING_KEYS.length);
    });

    it('scope from an API key: a replay under another API key runs anew; its own retry replays', async () => {
      const apiKeys = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? `sk_live_${randomUUID()}` : `sk_live_${i}:${'x'.repeat(i)}`,
      );
      const server = await servers.start({
        scope: (request) => String(request.headers.authorization ?? ''),
      });
      const key = randomUUID();
      const firsts = await Promise.all(
        apiKeys.map((apiKey) =>
          send(server.url('/r/whoami'), {
            key,
            body: { a: 1 },
            headers: { authorization: apiKey },
          }),
        ),
      );
      const retries = await Promise.all(
        apiKeys.map((apiKey) =>
          send(server.url('/r/whoami'), {
            key,
            body: { a: 1 },
            headers: { authorization: apiKey },
          }),
        ),
      );
      for (const [i, apiKey] of apiKeys.entries()) {
        const first = firsts[i] as Reply;
        const retry = retries[i] as Reply;
        expect(first.status).toBe(201);
        expect(first.headers.get('idempotent-replayed')).toBeNull();
        expect((first.json() as Who).apiKey).toBe(apiKey);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect(retry.body.equals(first.body)).toBe(true);
      }
      expect(server.app.calls('whoami')).toBe(apiKeys.length);
    });
  });
}
