import { runHttpScenarios } from '@oncely/http-scenarios';
import { startNest } from './server.js';

runHttpScenarios({
  name: 'nest on express',
  startServer: (options) => startNest('express', options),
});
