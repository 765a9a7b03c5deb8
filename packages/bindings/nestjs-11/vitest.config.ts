import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * The binding's own test files, run on Nest 11. Node resolves a bare import from the importing
 * file's folder, so from the binding's tests `@nestjs/core` would be the binding's Nest 12:
 * here every Nest import they make, and their `../src/index.js`, go to this package's Nest 11
 * and to its injected copy of `@oncely/nestjs` (the built package, its peers resolved against
 * Nest 11 as in an app that installs it).
 */
const here = dirname(fileURLToPath(import.meta.url));
const binding = resolve(here, '../nestjs');
const require = createRequire(import.meta.url);
const NEST = ['common', 'core', 'platform-express', 'platform-fastify', 'jwt'];
const targets = new Map<string, string>([
  ...NEST.map((name) => [`@nestjs/${name}`, require.resolve(`@nestjs/${name}`)] as const),
  ['@oncely/nestjs', require.resolve('@oncely/nestjs')],
]);

// pnpm copies an injected package when it installs and after its `build` script: a copy older
// than the binding's dist would test old code, so it fails here instead.
for (const file of ['index.js', 'index.cjs']) {
  const copy = readFileSync(join(dirname(require.resolve('@oncely/nestjs')), file), 'utf8');
  if (copy !== readFileSync(join(binding, 'dist', file), 'utf8')) {
    throw new Error(
      'The injected @oncely/nestjs is stale: run `pnpm --filter @oncely/nestjs build`.',
    );
  }
}

const nest11: Plugin = {
  name: 'oncely-nest-11',
  enforce: 'pre',
  resolveId(source, importer) {
    if (!importer?.startsWith(binding)) return null;
    if (source === '../src/index.js') return targets.get('@oncely/nestjs');
    return targets.get(source) ?? null;
  },
};

export default defineConfig({
  plugins: [nest11],
  test: {
    include: ['test/**/*.test.ts', '../nestjs/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
