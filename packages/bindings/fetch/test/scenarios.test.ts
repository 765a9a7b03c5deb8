import { runHttpScenarios } from '@oncely/http-scenarios';
import { startFetch } from './server.js';

runHttpScenarios({ name: 'fetch on node', startServer: startFetch, nesting: 'outer-first' });
