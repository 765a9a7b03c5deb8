import { runHttpScenarios } from '@oncely/http-scenarios';
import { startNest } from './server.js';

runHttpScenarios({
  name: 'nest on fastify',
  startServer: (options) => startNest('fastify', options),
});
