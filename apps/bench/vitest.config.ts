import { defineConfig } from 'vitest/config';

// The smoke test runs the real harness (child processes, a redis-server of its own).
// These bound a hang, they time nothing (the bench's figures are its output, not assertions).
// The quick run measures every case in turn; with two busy processes competing for the cores
// it took past 180 s.
export default defineConfig({ test: { testTimeout: 600_000, hookTimeout: 600_000 } });
