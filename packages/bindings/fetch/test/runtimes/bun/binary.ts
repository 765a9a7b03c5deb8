import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { probeService } from '@oncely/testing';

// The `bun` npm package ships the runtime's binary (through its platform dependency).
export const bunBinary = createRequire(import.meta.url).resolve('bun/bin/bun.exe');

/** Whether Bun starts here; under CI=true a Bun that cannot start fails the run instead. */
export const bun = await probeService('Bun (the `bun` npm package)', async () =>
  execFileSync(bunBinary, ['--version']),
);
