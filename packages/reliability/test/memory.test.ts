import { describe, expect, it } from 'vitest';
import { memoryBackend } from '../src/backends.js';
import { STORM_CI, storm } from '../src/scenarios/storm.js';
import { expectClean } from './scenario-tests.js';

// The memory store lives in one process, so its storm has one worker; the crash, outage and
// slow-store scenarios need a store that outlives a process or sits across a network.
describe('memory store', () => {
  it('storm: every key runs once, every reply to a key is the same bytes', async () => {
    const figures = await storm(memoryBackend(), STORM_CI);
    expectClean(figures);
    expect(figures.executions).toBe(STORM_CI.keys);
  });
});
