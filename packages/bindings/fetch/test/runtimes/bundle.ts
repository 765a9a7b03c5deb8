import { build } from 'esbuild';

/**
 * The Worker as one ES module, as wrangler would deploy it: workspace packages resolved with
 * the conditions workerd's bundlers use, `node:*` left to the runtime's `nodejs_compat`.
 */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'import'],
    mainFields: ['module', 'main'],
    external: ['node:*'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}
