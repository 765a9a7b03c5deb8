/**
 * Waits for an event a test can observe (a handler has started, a lease has lapsed), polling
 * `condition` until it holds. The bound is only there so a broken implementation fails with a
 * clear message instead of the test's timeout: it is far longer than any loaded machine needs,
 * so it never stands in for "enough time has passed".
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise with its resolver, for an event one side of a test signals and the other awaits. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
