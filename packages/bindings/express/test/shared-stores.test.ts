import { runSeamScenarios } from '@oncely/http-scenarios';
import { onSharedStores } from '@oncely/http-scenarios/shared-stores';
import express from 'express';
import { startExpress } from './server.js';

// The seams (other callers, auth order, nested registrations, problem routing) once more on
// the shared stores a deployment runs, where a retry may reach another server.
onSharedStores('express', ({ name, createStore }) =>
  runSeamScenarios({
    name: `express 5 + ${name}`,
    nesting: 'outer-first',
    startServer: (options) => startExpress(express, options),
    createStore,
  }),
);
