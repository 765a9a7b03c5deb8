import { runHttpScenarios } from '@oncely/http-scenarios';
import type Fastify from 'fastify';
import jwt8 from 'fastify-jwt8';
import fastify4 from 'fastify4';
import { type JwtPlugin, startFastify } from './server.js';

// Fastify 4's factory has the same shape the server uses; its types are v4's own.
runHttpScenarios({
  name: 'fastify 4',
  startServer: (options) =>
    startFastify(fastify4 as unknown as typeof Fastify, options, {}, jwt8 as unknown as JwtPlugin),
});
