import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each file starts worker processes and servers on a 2-core machine: one file at a time.
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
