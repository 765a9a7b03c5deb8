import { runSeamScenarios } from '@oncely/http-scenarios';
import { onSharedStores } from '@oncely/http-scenarios/shared-stores';
import Koa from 'koa';
import { startKoa } from './server.js';

// The seams (other callers, auth order, nested registrations, problem routing) once more on
// the shared stores a deployment runs, where a retry may reach another server.
onSharedStores('koa', ({ name, createStore }) =>
  runSeamScenarios({
    name: `koa 3 + ${name}`,
    nesting: 'outer-first',
    startServer: (options) => startKoa(Koa, options),
    createStore,
  }),
);
