import assert from 'node:assert/strict';
import type { Store } from '@oncely/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCoverageProblems } from '../src/checks/index.js';
import { CHECK_NAMES, type CheckName } from '../src/index.js';
import { BROKEN_STORES } from './broken-stores.js';
import { collectChecks, namesWith, type Outcome, runChecks } from './harness.js';
import { ReferenceBackend, ReferenceStore } from './reference-store.js';

// Small units keep the self-test quick; the reference store uses this process's clock.
const UNIT_MS = 100;

/** The checks that race instances: each opens RACERS - 1 more when records are shared. */
const RACE_CHECKS = CHECK_NAMES.filter(
  (name) =>
    name.startsWith('race: ') ||
    name === 'acquire: exactly one winner among 4 instances x 25 concurrent acquires' ||
    name === 'acquire: many keys acquired concurrently each get exactly one winner',
);

describe('the suite itself', () => {
  it('registers every listed check once, in order, and each has one implementation', () => {
    const names = collectChecks(() => new ReferenceStore(), UNIT_MS).map((check) => check.name);
    expect(names).toEqual([...CHECK_NAMES]);
    expect(new Set(names).size).toBe(names.length);
    expect(checkCoverageProblems(CHECK_NAMES)).toEqual([]);
  });

  it('passes the reference store on every check, and destroys every instance it made', async () => {
    const backend = new ReferenceBackend();
    const made: Store[] = [];
    const destroyed = new Set<Store>();
    const checks = collectChecks(
      () => {
        const store = new ReferenceStore(backend);
        made.push(store);
        return store;
      },
      UNIT_MS,
      async (store) => {
        destroyed.add(store);
        await store.close();
      },
    );
    const outcomes = await runChecks(checks);
    const failures = namesWith(outcomes, 'failed').map(
      (name) => `${name}: ${(outcomes.get(name) as { error: string }).error}`,
    );
    expect(failures).toEqual([]);
    expect(namesWith(outcomes, 'passed')).toEqual([...CHECK_NAMES]);
    // One instance per check, three more for each race across instances (RACERS - 1), and
    // one more for the cross-instance fence check; all destroyed.
    expect(made.length).toBe(CHECK_NAMES.length + 3 * RACE_CHECKS.length + 1);
    expect(destroyed.size).toBe(made.length);
    // Every key a check wrote was deleted afterwards: the shared backend is left as found.
    expect([...backend.entries.keys()]).toEqual([]);
  }, 300_000);

  it('skips only the checks that the declared capabilities rule out', async () => {
    const backend = new ReferenceBackend();
    const capabilities = { sharedAcrossInstances: false, maxResultBytes: 2 ** 40 };
    const outcomes = await runChecks(
      collectChecks(() => new ReferenceStore(backend, capabilities), UNIT_MS),
    );
    expect(namesWith(outcomes, 'failed')).toEqual([]);
    expect(namesWith(outcomes, 'skipped')).toEqual([
      'acquire: exactly one winner among 4 instances x 25 concurrent acquires',
      'fencing: a takeover or re-acquire through another instance gets a larger fence than the first handed out',
      'limits: a result over maxResultBytes throws ResultTooLargeError and the owner can still complete',
    ]);
    const reason = outcomes.get(
      'acquire: exactly one winner among 4 instances x 25 concurrent acquires',
    ) as { reason: string };
    expect(reason.reason).toMatch(/sharedAcrossInstances: false/);
  }, 300_000);

  it('fails a check when the store reports capabilities that are not well-formed', async () => {
    const outcomes = await runChecks(
      collectChecks(() => {
        const store = new ReferenceStore();
        Object.assign(store.capabilities, { clock: 'local' });
        return store;
      }, UNIT_MS).filter((check) => check.name === 'capabilities: are well-formed'),
    );
    const outcome = outcomes.get('capabilities: are well-formed');
    assert.equal(outcome?.status, 'failed');
    expect(outcome.error).toMatch(/capabilities\.clock/);
  });
});

describe('the suite catches broken stores', () => {
  const results = new Map<string, Map<CheckName, Outcome>>();

  beforeAll(async () => {
    // Each broken store gets its own backend, so they run side by side.
    await Promise.all(
      BROKEN_STORES.map(async (broken) => {
        results.set(broken.name, await runChecks(collectChecks(broken.factory(), UNIT_MS)));
      }),
    );
    const rows = BROKEN_STORES.map((broken) => {
      const failed = namesWith(results.get(broken.name) ?? new Map(), 'failed');
      return { store: broken.name, flaw: broken.flaw, 'caught by': failed.join('\n') };
    });
    console.log(
      [
        'Broken stores and the checks that caught them:',
        ...rows.map(
          (row) =>
            `\n  ${row.store} (${row.flaw})\n${row['caught by']
              .split('\n')
              .map((name) => `      - ${name}`)
              .join('\n')}`,
        ),
      ].join('\n'),
    );
  }, 300_000);

  it.each(BROKEN_STORES.map((broken) => [broken.name, broken] as const))('%s', (_name, broken) => {
    const outcomes = results.get(broken.name);
    assert.ok(outcomes, 'the broken store was run');
    const failed = namesWith(outcomes, 'failed');
    assert.ok(failed.length > 0, `no check caught "${broken.name}" (${broken.flaw})`);
    assert.ok(
      failed.includes(broken.caughtBy),
      `"${broken.caughtBy}" must catch "${broken.name}"; caught by: ${failed.join('; ') || 'none'}`,
    );
    // A broken store is never skipped past: no capability rules out the checks it fails.
    expect(namesWith(outcomes, 'skipped')).toEqual([]);
  });

  it('has at least eight distinct broken stores, each caught', () => {
    expect(BROKEN_STORES.length).toBeGreaterThanOrEqual(8);
    expect(new Set(BROKEN_STORES.map((broken) => broken.name)).size).toBe(BROKEN_STORES.length);
  });
});
