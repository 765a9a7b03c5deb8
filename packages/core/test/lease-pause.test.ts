import { describe, expect, it } from 'vitest';
import { createIdempotency, type OncelyEvent, OwnershipLostError } from '../src/index.js';
import { MemoryStore } from './support/memory.js';

const LEASE_MS = 200;
const HEARTBEAT_MS = 60;

/** A real pause of this process: the event loop runs nothing while it lasts. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: no timer, no promise callback, no I/O runs meanwhile
  }
}

describe('the signal after the process was paused past its lease', () => {
  it('has fired before a handler timer that was due during the pause runs', async () => {
    const events: string[] = [];
    const engine = createIdempotency({
      store: new MemoryStore(),
      lease: LEASE_MS,
      heartbeat: HEARTBEAT_MS,
      onEvent: (event: OncelyEvent) => {
        if (event.type === 'fenced') events.push(`fenced:${event.operation}`);
      },
    });
    let reason: unknown;
    const outcome = engine.run({ key: 'paused' }, ({ signal }) => {
      // Due at the same time as the heartbeat's renewal, queued right behind it.
      const seen = new Promise<{ aborted: boolean }>((resolve) =>
        setTimeout(() => {
          events.push('handler timer');
          reason = signal.reason;
          resolve({ aborted: signal.aborted });
        }, HEARTBEAT_MS),
      );
      blockEventLoop(LEASE_MS * 3); // stopped for longer than the lease
      return seen;
    });
    const { value } = await outcome;
    // The stale handler learns at once that it may no longer own the key, and does not write.
    expect(value.aborted).toBe(true);
    expect(reason).toBeInstanceOf(OwnershipLostError);
    expect(events).toEqual(['fenced:lease', 'handler timer']);
  });

  it('is aborted when read after the pause, even before any timer of the engine ran', async () => {
    const engine = createIdempotency({
      store: new MemoryStore(),
      lease: LEASE_MS,
      heartbeat: HEARTBEAT_MS,
    });
    const outcome = await engine.run({ key: 'read-after-pause' }, (context) => {
      blockEventLoop(LEASE_MS * 3);
      // No timer has run since the pause; the handler looks at its signal first.
      return context.signal.aborted;
    });
    expect(outcome.value).toBe(true);
  });
});
