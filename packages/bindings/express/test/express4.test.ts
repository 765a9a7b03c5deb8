import { runHttpScenarios } from '@oncely/http-scenarios';
import type express from 'express';
import express4 from 'express4';
import { startExpress } from './server.js';

// Express 4 has the same API surface the server uses; its own types are not installed.
runHttpScenarios({
  name: 'express 4',
  startServer: (options) => startExpress(express4 as unknown as typeof express, options),
});
