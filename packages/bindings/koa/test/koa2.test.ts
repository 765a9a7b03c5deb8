import { runHttpScenarios } from '@oncely/http-scenarios';
import type Koa from 'koa';
import Koa2 from 'koa2';
import { startKoa } from './server.js';

// Koa 2 has the same API surface the server uses; its own types are not installed.
runHttpScenarios({
  name: 'koa 2',
  startServer: (options) => startKoa(Koa2 as unknown as typeof Koa, options),
});
