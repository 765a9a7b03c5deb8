import type { TestBody, TestFunction } from './options.js';

/** node:test's `test`, as far as the suite uses it: `test(name, { timeout }, fn)`. */
export type NodeTestFunction = (
  name: string,
  options: { timeout?: number },
  fn: (context: unknown) => Promise<void>,
) => unknown;

/**
 * Adapts node:test's `test(name, options, fn)` to the suite's `test(name, body, timeoutMs)`,
 * so node:test applies each check's timeout itself and its per-test context (`t.skip`) reports
 * capability-gated checks as skipped:
 *
 *     runStoreConformance({ test: nodeTest(test), describe, createStore })
 */
export function nodeTest(test: NodeTestFunction): TestFunction {
  return (name: string, body: TestBody, timeoutMs?: number) =>
    test(name, timeoutMs === undefined ? {} : { timeout: timeoutMs }, (context) => body(context));
}
