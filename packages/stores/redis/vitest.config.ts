import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The examples import the package by its public name, as a user would.
    alias: { '@oncely/redis': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    testTimeout: 30_000,
    // Starting a three-node Cluster takes a few seconds on a busy machine.
    hookTimeout: 60_000,
  },
});
