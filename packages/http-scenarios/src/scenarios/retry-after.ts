import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { send } from '../client.js';
import type { Servers } from '../security/context.js';

/** Wait until the app has counted more runs of `name` than `before` (polling, bounded). */
async function runStarted(calls: () => number, before: number): Promise<void> {
  for (let i = 0; i < 2000 && calls() <= before; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * `Retry-After` on a 409 says how long the running attempt is likely to take, bounded by its
 * lease: not the whole lease, which stalls a client honouring it for seconds on a request that
 * takes milliseconds.
 */
export function retryAfter(servers: Servers): void {
  describe('Retry-After on a 409', () => {
    it('a duplicate of a short request in a 30 s lease is told 1 s, not 30', async () => {
      const { url, app } = await servers.start({ lease: '30s' });
      const key = randomUUID();
      const first = send(url('/r/order?delay=300'), { key, body: { a: 1 } });
      await runStarted(() => app.calls('order'), 0);
      const duplicate = await send(url('/r/order?delay=300'), { key, body: { a: 1 } });
      expect(duplicate.status).toBe(409);
      expect(duplicate.headers.get('retry-after')).toBe('1');
      expect((await first).status).toBe(201);
    });

    it('after a run of 2.2 s the hint is about that long, still far below the 60 s lease', async () => {
      const { url, app } = await servers.start({ lease: '60s' });
      // One finished run of the same operation (method and path) teaches the estimate.
      expect(
        (await send(url('/r/order?delay=2200'), { key: randomUUID(), body: { a: 1 } })).status,
      ).toBe(201);
      const key = randomUUID();
      const first = send(url('/r/order?delay=2200'), { key, body: { a: 2 } });
      await runStarted(() => app.calls('order'), 1);
      const duplicate = await send(url('/r/order?delay=2200'), { key, body: { a: 2 } });
      expect(duplicate.status).toBe(409);
      const seconds = Number(duplicate.headers.get('retry-after'));
      // At least the 2.2 s the last run took (whole seconds, rounded up), whatever the load.
      expect(seconds).toBeGreaterThanOrEqual(3);
      expect(seconds).toBeLessThan(30);
      expect((await first).status).toBe(201);
    });
  });
}
