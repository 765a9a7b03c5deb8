export interface ServiceProbe {
  /** True when the service answered and its tests should run. */
  available: boolean;
  /** Why the tests are skipped, when they are. */
  reason?: string;
}

/**
 * Check that a service the tests need is there. Locally a missing service skips its tests
 * with a printed reason; under CI (the `CI` variable set) it throws, so a service-backed test
 * can never pass by not running.
 *
 * Use at the top of a test file:
 *   const redis = await probeService('Redis at 127.0.0.1:6379', () => client.ping());
 *   describe.skipIf(!redis.available)('...', () => { ... });
 */
export async function probeService(
  name: string,
  probe: () => Promise<unknown>,
): Promise<ServiceProbe> {
  try {
    await probe();
    return { available: true };
  } catch (error) {
    const reason = `${name} is not reachable: ${error instanceof Error ? error.message : String(error)}`;
    if (process.env.CI) {
      throw new Error(`${reason}. CI requires it; start it (see .ci/run).`);
    }
    console.warn(`[skip] ${reason}. Its tests are skipped locally (they fail under CI).`);
    return { available: false, reason };
  }
}
