import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('the README example records one span per operation', async () => {
  const script = fileURLToPath(new URL('../examples/fastify.ts', import.meta.url));
  const { stdout } = await promisify(execFile)('pnpm', ['exec', 'tsx', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  expect(stdout).toBe('oncely POST /orders/:id executed 1\noncely POST /orders/:id replayed 1\n');
});
