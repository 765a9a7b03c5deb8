import { InvalidArgumentError, type Store } from '@oncely/core';

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
  /** The label of the group (used with `describe`). Default `"oncely store conformance"`. */
  name?: string;
}

export interface ResolvedConformanceOptions {
  test: TestFunction;
  describe: DescribeFunction | undefined;
  createStore: () => Store | Promise<Store>;
  destroyStore: (store: Store) => Promise<void>;
  unitMs: number;
  name: string;
}

export const DEFAULT_UNIT_MS = 200;
const MAX_UNIT_MS = 60_000;

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
  if (input.timing !== undefined) {
    if (typeof input.timing !== 'object' || input.timing === null) {
      throw new InvalidArgumentError('timing', 'expected { unitMs?: number }');
    }
    const requested = (input.timing as Record<string, unknown>).unitMs;
    if (requested !== undefined) {
      if (
        typeof requested !== 'number' ||
        !Number.isFinite(requested) ||
        requested < 1 ||
        requested > MAX_UNIT_MS
      ) {
        throw new InvalidArgumentError(
          'timing.unitMs',
          `expected a number from 1 to ${MAX_UNIT_MS}`,
        );
      }
      unitMs = requested;
    }
  }

  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length === 0)) {
    throw new InvalidArgumentError('name', 'expected a non-empty string');
  }

  return {
    test: input.test as TestFunction,
    describe,
    createStore: input.createStore as () => Store | Promise<Store>,
    destroyStore: destroyStore ?? ((store) => store.close()),
    unitMs,
    name: (input.name as string | undefined) ?? 'oncely store conformance',
  };
}
