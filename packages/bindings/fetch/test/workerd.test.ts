import { fileURLToPath } from 'node:url';
import { runRuntimeSmoke } from '@oncely/http-scenarios';
import { Miniflare } from 'miniflare';
import { describe } from 'vitest';
import { startBackend } from './runtimes/backend.js';
import { bundleWorker } from './runtimes/bundle.js';
import { workerd } from './runtimes/workerd.js';

const script = await bundleWorker(fileURLToPath(new URL('./runtimes/worker.ts', import.meta.url)));

describe.skipIf(!workerd.available)('@oncely/fetch on workerd (nodejs_compat)', () => {
  runRuntimeSmoke({
    name: 'fetch on workerd',
    acceptsEncodingForClient: true,
    async start(app, options) {
      const backend = await startBackend(app);
      const worker = new Miniflare({
        modules: true,
        script,
        compatibilityDate: '2025-09-01',
        compatibilityFlags: ['nodejs_compat'],
        bindings: { BACKEND: backend.url, OPTIONS: JSON.stringify(options) },
        host: '127.0.0.1',
        port: 0,
      });
      const url = await worker.ready;
      return {
        url: url.origin,
        close: async () => {
          await worker.dispose();
          await backend.close();
        },
      };
    },
  });
});
