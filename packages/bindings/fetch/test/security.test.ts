import { runSecurityScenarios } from '@oncely/http-scenarios';
import { startFetch } from './server.js';

runSecurityScenarios({ name: 'fetch on node', startServer: startFetch });
