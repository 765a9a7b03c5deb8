import { randomUUID } from 'node:crypto';
import type { RunContext } from '@oncely/core';
import { expect } from 'vitest';
import { send } from './client.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lease a binding under test must be given: a handler slower than this loses its key. */
export const PROBE_LEASE_MS = 300;

/**
 * Checks that a binding hands its route handler the attempt's fence and signal. Mount a POST
 * route that calls `respond(attemptOf(request))` and sends the result as JSON with status
 * 201, behind the binding with `lease: PROBE_LEASE_MS, heartbeat: false`; then call
 * `check(url)`. The first attempt is slow, so a retry takes the key over: it must get a larger
 * fence, and the first attempt's signal must have fired.
 */
export function createAttemptProbe() {
  const seen: { fence: number; aborted: boolean }[] = [];
  let calls = 0;
  return {
    async respond(attempt: RunContext | undefined): Promise<{ fence: number | null }> {
      if (!attempt) return { fence: null };
      const call = calls++;
      if (call === 0) await sleep(PROBE_LEASE_MS * 2); // only the first attempt is slow
      seen[call] = { fence: attempt.fence, aborted: attempt.signal.aborted };
      return { fence: attempt.fence };
    },
    async check(url: string): Promise<void> {
      const key = randomUUID();
      const slow = send(url, { key, body: { amount: 1 } });
      await sleep(PROBE_LEASE_MS + 100); // past the first attempt's lease
      const takeover = await send(url, { key, body: { amount: 1 } });
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
