import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each file starts worker processes and servers on a 2-core machine: one file at a time.
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // These bound a hang, they time nothing: a scenario asserts its own figures. Under CPU load
    // (the suite must pass with two busy processes on the two cores) DynamoDB Local's JVM and
    // the workers share the cores with the load, and a scenario took past 90 s there.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
