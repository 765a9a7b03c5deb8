import { runSecurityScenarios } from '@oncely/http-scenarios';
import { startNest } from './server.js';

runSecurityScenarios({
  name: 'nest on fastify',
  startServer: (options) => startNest('fastify', options),
});
