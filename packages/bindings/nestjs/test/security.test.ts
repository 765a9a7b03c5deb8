import { runSecurityScenarios } from '@oncely/http-scenarios';
import { startNest } from './server.js';

for (const platform of ['express', 'fastify'] as const) {
  runSecurityScenarios({
    name: `nest on ${platform}`,
    startServer: (options) => startNest(platform, options),
  });
}
