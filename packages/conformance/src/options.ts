import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, type Store } from '@oncely/core';
import type { WorkerSpec } from './workers/worker-pool.js';

/**
 * A test body as the suite hands it to the runner. The runner may pass its own per-test
 * context (vitest's `TestContext`, node:test's `TestContext`); the suite uses only its
 * `skip` method, to report a check the store's capabilities rule out.
 */
export type TestBody = (runnerContext?: unknown) => Promise<void>;

/** The runner's test function: vitest's `test`/`it` fits, as does a hand-written collector. */
export type TestFunction = (name: string, body: TestBody, timeoutMs?: number) => unknown;

/** The runner's grouping function: vitest's `describe` fits. */
export type DescribeFunction = (name: string, body: () => void) => unknown;

export interface ConformanceTiming {
  /**
   * The base duration for lease and expiry checks, in milliseconds. Time-based checks use
   * leases of one unit and sleep a few units. Default 200; raise it for a backend whose
   * round trips or expiry are slower.
   */
  unitMs?: number;
  /**
   * How long one check may take before the suite fails it, in milliseconds. Default
   * `15 000 + 20 × unitMs`. The suite enforces it itself (and also hands it to the runner), so
   * a store call that never settles fails its check on any runner instead of hanging the run.
   */
  checkTimeoutMs?: number;
}

/**
 * Race checks in worker threads: each worker imports `module` and makes its own store with
 * `createStore(data)`, so racing calls run in parallel threads. This is what proves a store
 * whose calls never yield to the event loop (a synchronous driver such as better-sqlite3):
 * in one thread such calls cannot interleave, so a non-atomic acquire would pass.
 */
export interface ConformanceWorkers {
  /**
   * An ES module that Node can import without your test runner's transforms (JavaScript, or a
   * `.mjs` file that registers a TypeScript loader and then imports your `.ts` file), given as
   * a `file:` URL or an absolute path. It exports `createStore(data)` and, optionally,
   * `destroyStore(store)` (default `store.close()`).
   */
  module: string | URL;
  /** Passed to the module's `createStore` in every worker (structured-cloneable: a path, a URL). */
  data?: unknown;
}

export interface ConformanceOptions {
  /** Registers one named check: `(name, body, timeoutMs?) => void`. */
  test: TestFunction;
  /** Groups the checks under `name` when given. */
  describe?: DescribeFunction;
  /**
   * Makes a store instance. Called once per check, and several times for checks that race
   * instances. Every instance must reach the same backend; the suite never flushes it and
   * uses fresh random keys in every check.
   */
  createStore: () => Store | Promise<Store>;
  /** Disposes of an instance after its check. Default: `store.close()`. */
  destroyStore?: (store: Store) => Promise<void>;
  timing?: ConformanceTiming;
  /**
   * Run the race checks' instances in worker threads. When given, every race check runs across
   * the workers (a store that does not share records across instances still races in one
   * instance). Required for a store whose calls never yield to the event loop.
   */
  workers?: ConformanceWorkers;
  /** The label of the group (used with `describe`). Default `"oncely store conformance"`. */
  name?: string;
}

export interface ResolvedConformanceOptions {
  test: TestFunction;
  describe: DescribeFunction | undefined;
  createStore: () => Store | Promise<Store>;
  destroyStore: (store: Store) => Promise<void>;
  unitMs: number;
  checkTimeoutMs: number;
  workers: WorkerSpec | undefined;
  name: string;
}

export const DEFAULT_UNIT_MS = 200;
const MAX_UNIT_MS = 60_000;
const MAX_CHECK_TIMEOUT_MS = 3_600_000;

/** Per-check timeout: generous for round trips, plus the few units the timed checks sleep. */
export function defaultCheckTimeout(unitMs: number): number {
  return 15_000 + 20 * unitMs;
}

function positiveNumber(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(field, `expected a number from 1 to ${max}`);
  }
  return value;
}

function resolveWorkers(value: unknown): WorkerSpec | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new InvalidArgumentError('workers', 'expected { module, data? }');
  }
  const { module, data } = value as { module?: unknown; data?: unknown };
  if (module instanceof URL) return { moduleUrl: module.href, data };
  if (typeof module === 'string' && module.startsWith('file:')) return { moduleUrl: module, data };
  if (typeof module === 'string' && isAbsolute(module)) {
    return { moduleUrl: pathToFileURL(module).href, data };
  }
  throw new InvalidArgumentError(
    'workers.module',
    'expected a file: URL or an absolute path (e.g. new URL("./store-module.mjs", import.meta.url))',
  );
}

function optionalFunction<T>(value: unknown, field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new InvalidArgumentError(field, 'expected a function');
  return value as T;
}

export function resolveOptions(options: unknown): ResolvedConformanceOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'expected { test, createStore, ... }');
  }
  const input = options as Record<string, unknown>;
  if (typeof input.test !== 'function') {
    throw new InvalidArgumentError(
      'test',
      "expected the runner's test function (e.g. vitest's test)",
    );
  }
  if (typeof input.createStore !== 'function') {
    throw new InvalidArgumentError('createStore', 'expected a function that returns a Store');
  }
  const describe = optionalFunction<DescribeFunction>(input.describe, 'describe');
  const destroyStore = optionalFunction<(store: Store) => Promise<void>>(
    input.destroyStore,
    'destroyStore',
  );

  let unitMs = DEFAULT_UNIT_MS;
  let checkTimeoutMs: number | undefined;
  if (input.timing !== undefined) {
    if (typeof input.timing !== 'object' || input.timing === null) {
      throw new InvalidArgumentError(
        'timing',
        'expected { unitMs?: number, checkTimeoutMs?: number }',
      );
    }
    const timing = input.timing as Record<string, unknown>;
    if (timing.unitMs !== undefined)
      unitMs = positiveNumber(timing.unitMs, 'timing.unitMs', MAX_UNIT_MS);
    if (timing.checkTimeoutMs !== undefined) {
      checkTimeoutMs = positiveNumber(
        timing.checkTimeoutMs,
        'timing.checkTimeoutMs',
        MAX_CHECK_TIMEOUT_MS,
      );
    }
  }
  const workers = resolveWorkers(input.workers);

  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length === 0)) {
    throw new InvalidArgumentError('name', 'expected a non-empty string');
  }

  return {
    test: input.test as TestFunction,
    describe,
    createStore: input.createStore as () => Store | Promise<Store>,
    destroyStore: destroyStore ?? ((store) => store.close()),
    unitMs,
    checkTimeoutMs: checkTimeoutMs ?? defaultCheckTimeout(unitMs),
    workers,
    name: (input.name as string | undefined) ?? 'oncely store conformance',
  };
}
