import { runHttpScenarios } from '@oncely/http-scenarios';
import Koa2 from 'koa2';
import { startKoa } from './server.js';

// Koa 2 is typed as Koa 3 (test/aliases.d.ts): the server uses what both have.
runHttpScenarios({
  name: 'koa 2',
  nesting: 'outer-first',
  startServer: (options) => startKoa(Koa2, options),
});
