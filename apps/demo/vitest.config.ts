import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each run starts API processes and waits out two 2 s leases: one file at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
