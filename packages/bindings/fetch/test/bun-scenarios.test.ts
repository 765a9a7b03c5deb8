import {
  bunParser,
  type HttpScenarioTarget,
  runHttpScenarios,
  runSecurityScenarios,
} from '@oncely/http-scenarios';
import { afterAll, beforeEach, describe, expect } from 'vitest';
import { bun } from './runtimes/bun/binary.js';
import { startBunFetch } from './runtimes/bun/start.js';
import { testsOf } from './runtimes/tests-of.js';

const target: HttpScenarioTarget = {
  name: 'fetch on bun',
  startServer: startBunFetch,
  nesting: 'outer-first',
  parser: bunParser,
};

/**
 * The scenarios that cannot hold under Bun, by name, with the reason. None today: where node's
 * and Bun's parsers differ (DEL in a header value, unknown methods, CONNECT) the hostile-input
 * properties take Bun's parser model (`bunParser`). A scenario skipped here must be listed.
 */
const NOT_UNDER_BUN: Record<string, string> = {};

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
