import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryStore } from '@oncely/memory';
import { describe, expect, it } from 'vitest';
import { send } from '../client.js';
import type { Servers } from './context.js';

/** A full garbage collection, so heap figures measure what is held rather than what is garbage. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** The JS heap plus ArrayBuffer backing stores (where stored result bytes live, off-heap). */
function heapUsed(): number {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

const UNIQUE_KEYS = 20_000;
const CONCURRENCY = 32;
/** Large stored responses: keeping them all (80 MB) could not go unnoticed on the heap. */
const LARGE_BODY = 8 * 1024;

export function memoryBound(servers: Servers): void {
  describe('the memory store under a flood of unique keys', () => {
    it(`stays within maxEntries and maxBytes, and the heap stays bounded (${UNIQUE_KEYS} keys)`, async () => {
      // One store bounded by entry count (small responses), one by bytes (8 KB responses).
      const floods = [
        { store: new MemoryStore({ maxEntries: 500 }), path: '/r/text', size: undefined },
        {
          store: new MemoryStore({ maxEntries: 10_000, maxBytes: 2 * 1024 * 1024 }),
          path: `/r/stream?size=${LARGE_BODY}`,
          size: LARGE_BODY,
        },
      ];
      const started = await Promise.all(floods.map((flood) => servers.start({}, flood.store)));
      const before = heapUsed();
      const peaks = floods.map(() => ({ entries: 0, bytes: 0 }));
      let sent = 0;
      const worker = async () => {
        while (sent < UNIQUE_KEYS) {
          const which = sent++ % floods.length;
          const flood = floods[which] as (typeof floods)[number];
          const reply = await send((started[which] as (typeof started)[number]).url(flood.path), {
            key: randomUUID(),
          });
          expect(reply.status).toBe(200);
          if (flood.size !== undefined) expect(reply.body.byteLength).toBe(flood.size);
          const stats = flood.store.stats();
          const peak = peaks[which] as { entries: number; bytes: number };
          peak.entries = Math.max(peak.entries, stats.settled);
          peak.bytes = Math.max(peak.bytes, stats.settledBytes);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      // What stays in memory is far below what keeping every response would take (80 MB of
      // large bodies alone; the bounded stores hold about 2.5 MB).
      const grown = heapUsed() - before;
      expect(grown).toBeLessThan(40 * 1024 * 1024);
      const perStore = UNIQUE_KEYS / floods.length;
      const [counted, sized] = floods;
      expect(peaks[0]?.entries).toBe(500);
      expect(peaks[1]?.bytes).toBeGreaterThan(2 * 1024 * 1024 - 2 * LARGE_BODY);
      expect(peaks[1]?.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
      for (const [i, flood] of floods.entries()) {
        expect(started[i]?.app.calls(flood.path.slice(3).split('?')[0] as string)).toBe(perStore);
        const stats = flood.store.stats();
        expect(stats.inProgress).toBe(0);
        // The bounds did the work: most records were pushed out before their 24 h TTL.
        expect(stats.evictions).toBeGreaterThanOrEqual(perStore - 500);
      }
      expect(counted?.store.stats().settled).toBe(500);
      expect(sized?.store.stats().settledBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
      // A hang bound, not a timing: 20 000 requests through a binding took past 180 s with the
      // machine loaded far past its two cores.
    }, 600_000);
  });
}
