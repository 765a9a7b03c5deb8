import { randomUUID } from 'node:crypto';
import type { HttpIdempotencyOptions, OncelyEvent, Store } from '@oncely/core';
import { describe, expect, it } from 'vitest';
import type { ScenarioApp } from '../app.js';
import { type Reply, send } from '../client.js';

/** How run.ts starts a server behind the binding under test. */
export type StartScenarioServer = (
  options?: Partial<HttpIdempotencyOptions>,
  store?: Store,
) => Promise<{ app: ScenarioApp; url: (path: string) => string }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A handler that never answers (an Express 4 async handler that rejected: Express 4 does not
 * catch it, so the request never ends) must not hold its key forever. Its heartbeat stops at
 * `maxRunTime`, its signal fires, and once the last lease it was granted ends a retry runs.
 */
export function maxRunTimeScenarios(start: StartScenarioServer): void {
  describe('maxRunTime', () => {
    it('a handler that never answers frees its key after maxRunTime: a retry runs', async () => {
      const events: OncelyEvent[] = [];
      let onStopped = () => {};
      const stopped = new Promise<void>((resolve) => {
        onStopped = resolve;
      });
      const { app, url } = await start({
        lease: 400,
        heartbeat: 100,
        maxRunTime: 1000, // well past the lease: the heartbeat did renew it until then
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'fenced' && event.operation === 'max-run-time') onStopped();
        },
      });
      const key = randomUUID();
      const client = new AbortController();
      const hung = send(url('/r/hang'), { key, body: { a: 1 }, signal: client.signal }).catch(
        (error: unknown) => error,
      );
      try {
        await stopped;
        expect(app.calls('hang')).toBe(1);
        // The last lease the heartbeat got may still run; once it ends, a retry takes over.
        let retry: Reply | undefined;
        for (let i = 0; i < 400 && (retry === undefined || retry.status === 409); i++) {
          if (retry) await sleep(50);
          retry = await send(url('/r/hang'), { key, body: { a: 1 } });
        }
        expect(retry?.status).toBe(201);
        expect(retry?.headers.get('idempotent-replayed')).toBeNull();
        expect(retry?.headers.get('x-run')).toBe('2');
        expect(retry?.json()).toEqual({ run: 2 });
        // And its response is stored: the next retry replays it.
        const again = await send(url('/r/hang'), { key, body: { a: 1 } });
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(app.calls('hang')).toBe(2);
        // Taken over: acquired again, with a larger fence.
        const fences = events.flatMap((e) => (e.type === 'acquired' ? [e.fence] : []));
        expect(fences).toHaveLength(2);
        expect(fences[1]).toBeGreaterThan(fences[0] as number);
      } finally {
        client.abort();
        await hung;
      }
    });
  });
}
