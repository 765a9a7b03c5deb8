import { runSecurityScenarios } from '@oncely/http-scenarios';
import { startNest } from './server.js';

runSecurityScenarios({
  name: 'nest on express',
  startServer: (options) => startNest('express', options),
});
