export { CHECK_NAMES, type CheckName } from './check-names.js';
export { MAX_CHECKED_RESULT_BYTES } from './checks/limits.js';
export { type NodeTestFunction, nodeTest } from './node-test.js';
export type {
  ConformanceOptions,
  ConformanceTiming,
  ConformanceWorkers,
  DescribeFunction,
  TestBody,
  TestFunction,
} from './options.js';
export { DEFAULT_UNIT_MS } from './options.js';
export { runStoreConformance } from './run.js';
