import { runHttpScenarios, runSecurityScenarios } from '@oncely/http-scenarios';
import { afterAll, beforeEach, describe, expect } from 'vitest';
import { bun } from './runtimes/bun/binary.js';
import { startBunFetch } from './runtimes/bun/start.js';
import { testsOf } from './runtimes/tests-of.js';

const target = {
  name: 'fetch on bun',
  startServer: startBunFetch,
  nesting: 'outer-first' as const,
};

/**
 * The scenarios that cannot hold under Bun, by name, and why: each models what node:http's
 * parser refuses before any handler runs (its 400 for bytes and methods it does not take), and
 * Bun's server parses otherwise (it closes the connection on a method it does not know, and
 * hands a DEL byte in a header value to the app, where oncely answers 400 invalid-key or runs
 * the request). What oncely does with what reaches it is checked by every other scenario.
 */
const NOT_UNDER_BUN: Record<string, string> = {
  'any Idempotency-Key value: node 400, oncely 400 invalid-key, or the handler then its replay':
    "models node:http's refusals of header bytes; Bun passes some on (DEL) to oncely",
  'any method: node 400 for what it does not know, pass-through for uncovered ones, replay for covered ones':
    "models node:http's method list; Bun closes the connection on an unknown method and serves CONNECT",
  'any other header (names, values, the scope header): node 400, or the handler then its replay':
    "models node:http's refusals of header bytes; Bun passes some on (DEL) to the app",
};

describe.skipIf(!bun.available)('@oncely/fetch under Bun: the scenario and security suites', () => {
  beforeEach((context) => {
    const reason = NOT_UNDER_BUN[context.task.name];
    if (reason !== undefined) context.skip(`not under Bun: ${reason}`);
  });

  runHttpScenarios(target);
  runSecurityScenarios(target);

  // Every scenario of the two suites ran here except the ones listed above, each by its name
  // (a list that names no scenario, or a scenario skipped without being listed, fails).
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads the hook's first parameter as fixtures
  afterAll(({}, suite) => {
    const tests = testsOf(suite);
    const names = new Set(tests.map((test) => test.name));
    for (const name of Object.keys(NOT_UNDER_BUN)) expect(names, 'NOT_UNDER_BUN').toContain(name);
    // Tests a name filter left out have no result; a skipped one has the state `skip`.
    const selected = tests.filter((test) => test.result !== undefined);
    const skipped = selected.filter((test) => test.result?.state === 'skip');
    for (const test of selected) {
      expect(test.result?.state === 'skip', test.name).toBe(test.name in NOT_UNDER_BUN);
    }
    console.info(
      `@oncely/fetch under Bun: ${selected.length - skipped.length} of the ${tests.length} scenarios it runs on Node ran (${selected.length} selected); not under Bun: ${skipped.map((test) => test.name).join('; ')}`,
    );
  });
});
