import { afterAll, describe } from 'vitest';
import type { HttpScenarioTarget } from '../run.js';
import { Servers } from '../security/context.js';
import { contentCoding } from './content-coding.js';
import { protocolFaults } from './protocol-faults.js';
import { requestKeyScenarios } from './request-key.js';
import { retryAfter } from './retry-after.js';

/** Content-coding of replays, the 409's Retry-After and smaller protocol faults. */
export function protocolScenarios(target: HttpScenarioTarget): void {
  describe('protocol', () => {
    const servers = new Servers(target);
    afterAll(() => servers.closeAll());
    contentCoding(servers);
    retryAfter(servers);
    protocolFaults(servers);
    requestKeyScenarios(servers);
  });
}
