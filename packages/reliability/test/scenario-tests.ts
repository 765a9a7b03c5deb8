import { expect, it } from 'vitest';
import type { Backend } from '../src/backends.js';
import { type Figures, formatFigures } from '../src/figures.js';
import type { OutageRig } from '../src/outages.js';
import { crash } from '../src/scenarios/crash.js';
import { OUTAGE_CI, type OutageScale, outage } from '../src/scenarios/outage.js';
import { SLOW_CI, slow } from '../src/scenarios/slow.js';
import { STORM_CI, type StormScale, storm } from '../src/scenarios/storm.js';

/** Print a scenario's figures and fail on any duplicate run, lost completion or bad answer. */
export function expectClean(figures: Figures): void {
  console.log(formatFigures(figures));
  expect(figures.failures).toEqual([]);
}

/**
 * Storm, crash and slow store: the scenarios every shared store runs on one backend.
 * `backend` is read when each test starts (it is made in the file's beforeAll).
 */
export function sharedStoreScenarios(
  backend: () => Backend,
  stormScale: StormScale = STORM_CI,
): void {
  it('storm: several workers, every key runs once, every reply to a key is the same bytes', async () => {
    expectClean(await storm(backend(), stormScale));
  });

  it('crash: a killed owner is taken over after its lease; a paused owner is fenced', async () => {
    expectClean(await crash(backend()));
  });

  it('slow store: answers stay bounded by storeTimeout, nothing runs twice', async () => {
    expectClean(await slow(backend(), SLOW_CI));
  });
}

/** The outage scenario on a store server the rig can take down and bring back. */
export function outageScenario(
  title: string,
  makeRig: () => Promise<OutageRig>,
  scale: OutageScale = OUTAGE_CI,
): void {
  it(`outage: ${title}, fails closed, resumes without an app restart`, async () => {
    const rig = await makeRig();
    try {
      expectClean(await outage(rig.backend, rig.outage, scale));
    } finally {
      await rig.teardown();
    }
  });
}
