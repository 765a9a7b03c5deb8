import { randomUUID } from 'node:crypto';
import type { RunContext } from '@oncely/core';
import { deferred, until } from '@oncely/testing';
import { expect } from 'vitest';
import { send } from './client.js';

/** The lease a binding under test must be given: a handler slower than this loses its key. */
export const PROBE_LEASE_MS = 300;

/** How long the first attempt holds on for a takeover before it gives up (a broken binding). */
const HOLD_BOUND_MS = 15_000;

/**
 * Checks that a binding hands its route handler the attempt's fence and signal. Mount a POST
 * route that calls `respond(attemptOf(request))` and sends the result as JSON with status
 * 201, behind the binding with `lease: PROBE_LEASE_MS, heartbeat: false`; then call
 * `check(url)`. The first attempt holds on until its lease has lapsed and a retry has taken
 * the key over: the retry must get a larger fence, and the first attempt's signal must have
 * fired. Every step waits for the event it needs, not for a time, so a busy machine passes.
 */
export function createAttemptProbe() {
  const seen: { fence: number; aborted: boolean }[] = [];
  let calls = 0;
  const firstStarted = deferred<RunContext>();
  const takeoverRan = deferred();
  return {
    async respond(attempt: RunContext | undefined): Promise<{ fence: number | null }> {
      if (!attempt) return { fence: null };
      const call = calls++;
      if (call === 0) {
        // Only the first attempt is slow: it is still running when the takeover runs.
        firstStarted.resolve(attempt);
        await Promise.race([
          takeoverRan.promise,
          new Promise((resolve) => setTimeout(resolve, HOLD_BOUND_MS)),
        ]);
      }
      seen[call] = { fence: attempt.fence, aborted: attempt.signal.aborted };
      if (call === 1) takeoverRan.resolve();
      return { fence: attempt.fence };
    },
    async check(url: string): Promise<void> {
      const key = randomUUID();
      const slow = send(url, { key, body: { amount: 1 } });
      // The first attempt has acquired the key and its handler runs.
      const running = await firstStarted.promise;
      // Its lease has lapsed: with no heartbeat, the signal fires at the lease end.
      await until(() => running.signal.aborted, "the first attempt's signal at its lease end");
      let takeover = await send(url, { key, body: { amount: 1 } });
      // The store's clock (Date.now) may trail the engine's (performance.now) by a millisecond.
      await until(async () => {
        if (takeover.status === 409) takeover = await send(url, { key, body: { amount: 1 } });
        return takeover.status !== 409;
      }, 'a takeover after the lease lapsed');
      await slow;
      const [first, second] = seen;
      expect(takeover.json()).toEqual({ fence: second?.fence });
      expect(second?.fence).toBeGreaterThan(first?.fence ?? Number.POSITIVE_INFINITY);
      expect(first?.aborted).toBe(true); // the first attempt was told it lost the key
      expect(second?.aborted).toBe(false);
      const keyless = await send(url, { body: { amount: 1 } });
      expect(keyless.json()).toEqual({ fence: null });
    },
  };
}
