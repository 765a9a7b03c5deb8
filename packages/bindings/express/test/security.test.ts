import { runSecurityScenarios } from '@oncely/http-scenarios';
import express from 'express';
import { startExpress } from './server.js';

// The memory store's flood runs here only: its bounds are the store's, whichever binding
// carries the traffic.
runSecurityScenarios(
  { name: 'express 5', startServer: (options) => startExpress(express, options) },
  { flood: true },
);
