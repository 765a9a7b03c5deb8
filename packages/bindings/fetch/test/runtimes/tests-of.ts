import type { RunnerTask, RunnerTestCase } from 'vitest';

/** Every test under a suite, however deeply nested. */
export function testsOf(task: RunnerTask): RunnerTestCase[] {
  if (task.type === 'test') return [task];
  return 'tasks' in task ? task.tasks.flatMap(testsOf) : [];
}
