import { runHttpScenarios } from '@oncely/http-scenarios';
import { startHono } from './server.js';

runHttpScenarios({ name: 'hono on node', startServer: startHono, nesting: 'outer-first' });
