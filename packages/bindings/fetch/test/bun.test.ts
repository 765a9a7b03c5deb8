import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { runRuntimeSmoke } from '@oncely/http-scenarios';
import { probeService } from '@oncely/testing';
import { describe } from 'vitest';
import { startBackend } from './runtimes/backend.js';
import { spawnServer, stop } from './runtimes/spawn.js';

// The `bun` npm package ships the runtime's binary (through its platform dependency).
const bunBinary = createRequire(import.meta.url).resolve('bun/bin/bun.exe');
const bun = await probeService('Bun (the `bun` npm package)', async () =>
  execFileSync(bunBinary, ['--version']),
);
const script = fileURLToPath(new URL('./runtimes/bun-server.ts', import.meta.url));

describe.skipIf(!bun.available)('@oncely/fetch under Bun', () => {
  runRuntimeSmoke({
    name: 'fetch on bun',
    async start(app, options) {
      const backend = await startBackend(app);
      const config = JSON.stringify({ backend: backend.url, options });
      const { url, child } = await spawnServer(bunBinary, [script], {
        ONCELY_RUNTIME_CONFIG: config,
      });
      return {
        url,
        close: async () => {
          await stop(child);
          await backend.close();
        },
      };
    },
  });
});
