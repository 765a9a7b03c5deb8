import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Core's lifecycle tests drive the engine against the real memory store. The store package
// depends on core, so it cannot be a dependency here (a cycle): the tests import its source,
// and `@oncely/core` resolves to core's source so both share one set of error classes.
export default defineConfig({
  resolve: {
    alias: { '@oncely/core': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: { testTimeout: 20_000 },
});
