import { CHECK_NAMES, type CheckName } from './check-names.js';
import { checkNamed } from './checks/index.js';
import { CheckSession } from './context.js';
import {
  type ConformanceOptions,
  type ResolvedConformanceOptions,
  resolveOptions,
} from './options.js';

/**
 * Settles like `work`, or rejects once `timeoutMs` passed. The suite bounds every check itself
 * because not every runner applies the timeout it is given (node:test takes it in an options
 * object, not as a third argument): a store call that never settles must fail its check, not
 * hang the run.
 */
async function withinTimeout(work: Promise<void>, timeoutMs: number, name: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`@oncely/conformance: "${name}" did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reports a check the store's capabilities rule out as skipped. The decision needs the
 * store's capabilities, which exist only once `createStore` ran inside the test, so the
 * runner's own per-test context does the skipping (vitest's `context.skip()` throws to mark
 * the test skipped; node:test's `t.skip()` marks it and the body returns). `test.skip` cannot
 * be used: it must be chosen when the check is registered, before any store exists.
 */
function skipAtRunTime(runnerContext: unknown, reason: string): void {
  const skip = (runnerContext as { skip?: unknown } | undefined)?.skip;
  if (typeof skip === 'function') skip.call(runnerContext, reason);
  // A runner without a per-test skip reports the check as passed; say why it asserted nothing.
  else console.info(reason);
}

function register(options: ResolvedConformanceOptions, name: CheckName): void {
  checkNamed(name); // every name has an implementation: fail at registration, not at run time
  options.test(
    name,
    (runnerContext?: unknown) =>
      withinTimeout(runCheck(options, name, runnerContext), options.checkTimeoutMs, name),
    options.checkTimeoutMs,
  );
}

async function runCheck(
  options: ResolvedConformanceOptions,
  name: CheckName,
  runnerContext: unknown,
): Promise<void> {
  const check = checkNamed(name);
  const session = new CheckSession(options);
  let failed = true;
  try {
    const store = await session.openStore();
    const reason = check.skipReason?.(store.capabilities);
    if (reason !== undefined) {
      failed = false;
      skipAtRunTime(runnerContext, `skipped: ${reason}`);
      return;
    }
    await check.run(session.context(store));
    failed = false;
  } finally {
    // A failed check's error matters more than a clean-up error that may follow from it.
    await (failed ? session.dispose().catch(() => undefined) : session.dispose());
  }
}

/**
 * Registers every check of the Store contract with the runner's `test` function. Each check
 * makes its own store instance(s) with `createStore`, uses fresh random keys, asserts with
 * `node:assert/strict`, and destroys its instances afterwards. A check is skipped only when
 * the store's declared capabilities rule it out.
 */
export function runStoreConformance(options: ConformanceOptions): void {
  const resolved = resolveOptions(options);
  const registerAll = () => {
    for (const name of CHECK_NAMES) register(resolved, name);
  };
  if (resolved.describe) resolved.describe(resolved.name, registerAll);
  else registerAll();
}
