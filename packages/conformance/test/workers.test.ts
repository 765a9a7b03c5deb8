import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckName } from '../src/index.js';
import { collectChecks, namesWith, type Outcome, runChecks } from './harness.js';
import { createStore, type SqliteStoreData } from './sqlite-store.js';

// The worker-thread mode against a store on a synchronous driver (better-sqlite3), whose calls
// never interleave within one thread: only racers in parallel threads can tell an atomic
// acquire from a get-then-set one.
const UNIT_MS = 100;
const WORKERS = { module: new URL('./sqlite-store-module.mjs', import.meta.url) };
const RACE_CHECKS: CheckName[] = CHECK_NAMES.filter(
  (name) =>
    name.startsWith('race: ') ||
    name === 'acquire: exactly one winner among 4 instances x 25 concurrent acquires' ||
    name === 'acquire: many keys acquired concurrently each get exactly one winner',
);
const directory = mkdtempSync(join(tmpdir(), 'oncely-conformance-sqlite-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let files = 0;
function suiteFor(acquire: SqliteStoreData['acquire'], workers: boolean, only?: CheckName[]) {
  const data: SqliteStoreData = { path: join(directory, `records-${files++}.db`), acquire };
  const checks = collectChecks(
    () => createStore(data),
    UNIT_MS,
    undefined,
    workers ? { workers: { ...WORKERS, data } } : {},
  );
  return runChecks(
    only ? checks.filter((check) => only.includes(check.name as CheckName)) : checks,
  );
}

function failures(outcomes: Map<CheckName, Outcome>): string[] {
  return namesWith(outcomes, 'failed').map(
    (name) => `${name}: ${(outcomes.get(name) as { error: string }).error}`,
  );
}

describe('race checks in worker threads', () => {
  it('pass a SQLite store whose acquire decides inside BEGIN IMMEDIATE, on every check', async () => {
    const outcomes = await suiteFor('immediate', true);
    expect(failures(outcomes)).toEqual([]);
    expect(namesWith(outcomes, 'passed')).toEqual([...CHECK_NAMES]);
  }, 300_000);

  it("catch the guide's get-then-set SQLite acquire (no transaction), which passes in one thread", async () => {
    const inOneThread = await suiteFor('get-then-set', false, RACE_CHECKS);
    expect(failures(inOneThread)).toEqual([]);
    const inWorkers = await suiteFor('get-then-set', true, RACE_CHECKS);
    const caught = namesWith(inWorkers, 'failed');
    console.log(
      [
        'get-then-set SQLite acquire, race checks in 4 worker threads, caught by:',
        ...caught.map((name) => `  - ${name}`),
      ].join('\n'),
    );
    expect(caught).toContain(
      'acquire: many keys acquired concurrently each get exactly one winner',
    );
  }, 300_000);
});
