import { fileURLToPath } from 'node:url';
import { runRuntimeSmoke } from '@oncely/http-scenarios';
import { describe } from 'vitest';
import { startBackend } from './runtimes/backend.js';
import { bun, bunBinary } from './runtimes/bun/binary.js';
import { spawnServer, stop } from './runtimes/spawn.js';

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
