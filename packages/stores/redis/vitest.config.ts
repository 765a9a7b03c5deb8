import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// The store supports every ioredis major in its peer range; the whole suite runs once per
// major, each run resolving `ioredis` to that major (the devDependencies `ioredis5` and
// `ioredis6` are npm aliases of ioredis 5 and 6).
const DRIVER_MAJORS = ['ioredis5', 'ioredis6'] as const;

export default defineConfig({
  resolve: {
    // The examples import the package by its public name, as a user would.
    alias: { '@oncely/redis': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    testTimeout: 30_000,
    // Starting a three-node Cluster takes a few seconds on a busy machine.
    hookTimeout: 60_000,
    projects: DRIVER_MAJORS.map((driver) => ({
      extends: true,
      resolve: {
        alias: [
          { find: /^ioredis$/, replacement: require.resolve(driver) },
          {
            find: /^ioredis\/package\.json$/,
            replacement: require.resolve(`${driver}/package.json`),
          },
        ],
      },
      test: { name: driver, env: { ONCELY_IOREDIS_MAJOR: driver.slice('ioredis'.length) } },
    })),
  },
});
