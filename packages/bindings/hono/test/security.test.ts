import { runSecurityScenarios } from '@oncely/http-scenarios';
import { startHono } from './server.js';

runSecurityScenarios({ name: 'hono on node', startServer: startHono });
