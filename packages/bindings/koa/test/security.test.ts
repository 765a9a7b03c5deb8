import { runSecurityScenarios } from '@oncely/http-scenarios';
import Koa from 'koa';
import { startKoa } from './server.js';

runSecurityScenarios({ name: 'koa 3', startServer: (options) => startKoa(Koa, options) });
