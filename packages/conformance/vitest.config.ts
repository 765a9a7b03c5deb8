import { defineConfig } from 'vitest/config';

// The self-tests run the whole suite (about 40 checks with real sleeps) inside one test: 2.5 s
// alone, so vitest's default 5 s bound is too close on a busy machine. It only catches a hang.
export default defineConfig({ test: { testTimeout: 30_000 } });
