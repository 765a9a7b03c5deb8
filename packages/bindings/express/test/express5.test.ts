import { runHttpScenarios } from '@oncely/http-scenarios';
import express from 'express';
import { startExpress } from './server.js';

runHttpScenarios({
  name: 'express 5',
  nesting: 'outer-first',
  startServer: (options) => startExpress(express, options),
});
