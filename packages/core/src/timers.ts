/**
 * Let the process exit with `timer` pending (Node, Bun, Deno). Timers in workerd are numbers
 * with nothing to unref: an isolate's life is not tied to them.
 */
export function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}
