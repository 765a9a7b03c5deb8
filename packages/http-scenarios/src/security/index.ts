import { afterAll, describe } from 'vitest';
import type { HttpScenarioTarget } from '../run.js';
import { Servers } from './context.js';
import { hostileInput } from './hostile-input.js';
import { memoryBound } from './memory-bound.js';
import { replayHeaders } from './replay-headers.js';
import { scopeIsolation } from './scope-isolation.js';
import { secrecy } from './secrecy.js';

/**
 * Hostile input and security, over a real listening server and real clients (fetch, and raw
 * sockets for what fetch will not send): property-based checks over keys, headers, bodies and
 * methods; tenant isolation under concurrency; per-client headers kept out of replays; secrets
 * kept out of events, logs and problem bodies; the memory store's bounds under a flood.
 */
export interface SecurityScenarioOptions {
  /**
   * Also flood the memory store with 20 000 unique keys through this target. Its bounds are the
   * store's, the binding only carries the traffic, so one binding running it is enough.
   */
  flood?: boolean;
}

export function runSecurityScenarios(
  target: HttpScenarioTarget,
  options: SecurityScenarioOptions = {},
): void {
  describe(`security scenarios: ${target.name}`, () => {
    const servers = new Servers(target);
    afterAll(() => servers.closeAll());
    hostileInput(servers);
    scopeIsolation(servers);
    replayHeaders(servers);
    secrecy(servers);
    if (options.flood) memoryBound(servers);
  });
}
