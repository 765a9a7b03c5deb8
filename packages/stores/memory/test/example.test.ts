import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('the README example runs and replays', async () => {
  const script = fileURLToPath(new URL('../examples/bounded-store.ts', import.meta.url));
  const { stdout } = await promisify(execFile)('pnpm', ['exec', 'tsx', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  expect(stdout).toMatch(
    /^executed replayed \{ processed: 7 \} \{ inProgress: 0, settled: 1, settledBytes: \d+, evictions: 0 \}/,
  );
});
