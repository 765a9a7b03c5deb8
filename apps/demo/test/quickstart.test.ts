import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('the README quick start prints what its comment promises', async () => {
  const script = fileURLToPath(new URL('../src/quickstart.ts', import.meta.url));
  const { stdout } = await run('pnpm', ['exec', 'tsx', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  expect(stdout.trim()).toBe('executed replayed true 1');
});
