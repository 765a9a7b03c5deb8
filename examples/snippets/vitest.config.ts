import { defineConfig } from 'vitest/config';

// Every test starts `pnpm exec tsx` on a snippet: a cold start that took over 5 s (vitest's
// default bound) on a busy machine. The bound only catches a snippet that hangs.
export default defineConfig({ test: { testTimeout: 60_000 } });
