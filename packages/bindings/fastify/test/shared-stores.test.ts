import { runHttpScenarios } from '@oncely/http-scenarios';
import { onSharedStores } from '@oncely/http-scenarios/shared-stores';
import Fastify from 'fastify';
import { startFastify } from './server.js';

// The whole HTTP scenario suite once more, on the shared stores a deployment runs.
onSharedStores('http', ({ name, createStore }) =>
  runHttpScenarios({
    name: `fastify 5 + ${name}`,
    startServer: (options) => startFastify(Fastify, options),
    createStore,
  }),
);
