import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The examples import the package by name, as a user would; here that name is the source.
    alias: { '@oncely/postgres': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    // The files share one PostgreSQL server and a 2-core machine; one file at a time keeps the
    // race tests racing each other's keys, not the scheduler.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
