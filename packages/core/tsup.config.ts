import { defineConfig } from 'tsup';

// Core's own build: like every package's (ESM + CJS, types, node20), but its Node built-ins keep
// their `node:` prefix, which workerd (`nodejs_compat`), Deno and Bun resolve without aliases.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  removeNodeProtocol: false,
});
