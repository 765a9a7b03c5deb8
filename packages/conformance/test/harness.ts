import type { Store } from '@oncely/core';
import {
  CHECK_NAMES,
  type CheckName,
  type ConformanceOptions,
  runStoreConformance,
  type TestBody,
} from '../src/index.js';

/**
 * Runs the suite without a test runner, so the self-test can see each check's outcome
 * against a store (including stores that are meant to fail).
 */

export type Outcome =
  | { status: 'passed' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string };

export interface CollectedCheck {
  name: string;
  body: TestBody;
  timeoutMs: number | undefined;
}

class Skipped extends Error {}

/** The checks the suite registers for `createStore`, in order, through a hand-written `test`. */
export function collectChecks(
  createStore: () => Store | Promise<Store>,
  unitMs: number,
  destroyStore?: (store: Store) => Promise<void>,
  extra: Pick<ConformanceOptions, 'workers'> = {},
): CollectedCheck[] {
  const collected: CollectedCheck[] = [];
  runStoreConformance({
    test: (name, body, timeoutMs) => {
      collected.push({ name, body, timeoutMs });
    },
    createStore,
    destroyStore,
    timing: { unitMs },
    ...extra,
  });
  return collected;
}

async function runOne(check: CollectedCheck): Promise<Outcome> {
  // The runner context: `skip` throws, as vitest's does.
  const runnerContext = {
    skip(reason?: string): never {
      throw new Skipped(reason);
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${check.timeoutMs} ms`)),
      check.timeoutMs ?? 30_000,
    );
  });
  try {
    await Promise.race([check.body(runnerContext), timeout]);
    return { status: 'passed' };
  } catch (error) {
    if (error instanceof Skipped) return { status: 'skipped', reason: error.message };
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check one after another and maps each name to its outcome. */
export async function runChecks(checks: CollectedCheck[]): Promise<Map<CheckName, Outcome>> {
  const outcomes = new Map<CheckName, Outcome>();
  for (const check of checks) {
    outcomes.set(check.name as CheckName, await runOne(check));
  }
  return outcomes;
}

export function namesWith(
  outcomes: Map<CheckName, Outcome>,
  status: Outcome['status'],
): CheckName[] {
  return CHECK_NAMES.filter((name) => outcomes.get(name)?.status === status);
}
