import { runHttpScenarios } from '@oncely/http-scenarios';
import Koa from 'koa';
import { startKoa } from './server.js';

runHttpScenarios({
  name: 'koa 3',
  nesting: 'outer-first',
  startServer: (options) => startKoa(Koa, options),
});
