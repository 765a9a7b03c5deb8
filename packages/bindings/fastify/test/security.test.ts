import { runSecurityScenarios } from '@oncely/http-scenarios';
import Fastify from 'fastify';
import { startFastify } from './server.js';

runSecurityScenarios({
  name: 'fastify 5',
  startServer: (options) => startFastify(Fastify, options),
});
