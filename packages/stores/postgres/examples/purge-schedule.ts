import type { PostgresStore } from '@oncely/postgres';

/** Delete expired rows every `everyMs`, 1000 per statement. Returns a function that stops it. */
export function schedulePurge(
  store: PostgresStore,
  everyMs = 10 * 60_000,
  onError: (error: unknown) => void = console.error,
): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return; // a slow purge never overlaps the next one
    running = true;
    try {
      await store.purgeExpired({ batchSize: 1000 });
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref(); // never keeps the process alive on its own
  return () => clearInterval(timer);
}
