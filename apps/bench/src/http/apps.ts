import type { LibraryId } from '../libraries/types.js';
import type { AppFactory } from './app.js';
import { baselineApps } from './baseline.js';
import { expressIdempotencyApps } from './express-idempotency.js';
import { nodeIdempotencyApps } from './node-idempotency.js';
import { oncelyApps, oncelyTelemetryApps } from './oncely.js';
import { powertoolsApps } from './powertools.js';

export const APPS: Record<LibraryId, AppFactory> = {
  baseline: baselineApps,
  oncely: oncelyApps,
  'oncely-otel-noop': oncelyTelemetryApps('noop'),
  'oncely-otel-sdk': oncelyTelemetryApps('sdk'),
  'express-idempotency': expressIdempotencyApps,
  'node-idempotency': nodeIdempotencyApps,
  powertools: powertoolsApps,
};
