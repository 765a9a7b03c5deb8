import { defineConfig } from 'vitest/config';

// The smoke test runs the real harness (child processes, a redis-server of its own).
export default defineConfig({ test: { testTimeout: 180_000, hookTimeout: 180_000 } });
