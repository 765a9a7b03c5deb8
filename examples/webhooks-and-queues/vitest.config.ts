import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The crash tests start and kill consumer processes on a 2-core machine: one file at a time.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
