import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';

const builtins = new Set(builtinModules);

/**
 * Node's built-in modules left to workerd's `nodejs_compat`, as wrangler leaves them: an
 * `import` stays an import of `node:<name>`, and a CommonJS `require('util')` (pg's) becomes a
 * module that imports it, since an ES module Worker has no `require`.
 */
const nodeCompat: Plugin = {
  name: 'node-compat',
  setup(bundler) {
    bundler.onResolve({ filter: /.*/ }, ({ path, kind }) => {
      const name = path.replace(/^node:/, '');
      if (!builtins.has(name)) return undefined;
      if (kind === 'require-call') return { path: name, namespace: 'node-require' };
      return { path: `node:${name}`, external: true };
    });
    bundler.onLoad({ filter: /.*/, namespace: 'node-require' }, ({ path }) => ({
      contents: `import * as m from 'node:${path}'; export default m.default ?? m; export * from 'node:${path}';`,
      loader: 'js',
    }));
  },
};

/**
 * The Worker as one ES module, as wrangler would deploy it: packages resolved with the
 * conditions and main fields wrangler uses (`workerd`, `worker`, `browser`, so pg takes
 * pg-cloudflare's sockets and ioredis's `debug` its build without `node:tty`, which workerd
 * lacks; esbuild adds `import` or `require` by how each module is loaded, so a CommonJS
 * `require('pg-pool')` gets the CommonJS build and its class, not an ES namespace),
 * `cloudflare:*` and `node:*` left to the runtime.
 */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    // pg loads pg-native only when asked for its native bindings, which a Worker never does.
    external: ['cloudflare:*', 'pg-native'],
    plugins: [nodeCompat],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}
