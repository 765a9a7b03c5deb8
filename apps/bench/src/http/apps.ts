import type { LibraryId } from '../libraries/types.js';
import type { AppFactory } from './app.js';

/**
 * Each library's server factory, imported only by the server that needs it: a server process
 * then loads its own library alone (not Powertools, the OpenTelemetry SDK and the rest), which
 * keeps every one of the run's many server starts short.
 */
export const APPS: Record<LibraryId, () => Promise<AppFactory>> = {
  baseline: async () => (await import('./baseline.js')).baselineApps,
  oncely: async () => (await import('./oncely.js')).oncelyApps,
  'oncely-otel-noop': async () =>
    (await import('./oncely-telemetry.js')).oncelyTelemetryApps('noop'),
  'oncely-otel-sdk': async () => (await import('./oncely-telemetry.js')).oncelyTelemetryApps('sdk'),
  'express-idempotency': async () =>
    (await import('./express-idempotency.js')).expressIdempotencyApps,
  'node-idempotency': async () => (await import('./node-idempotency.js')).nodeIdempotencyApps,
  powertools: async () => (await import('./powertools.js')).powertoolsApps,
};
