import { runHttpScenarios } from '@oncely/http-scenarios';
import express4 from 'express4';
import { startExpress } from './server.js';

// Express 4 is typed as Express 5 (test/aliases.d.ts): the server uses what both have.
runHttpScenarios({
  name: 'express 4',
  nesting: 'outer-first',
  startServer: (options) => startExpress(express4, options),
});
