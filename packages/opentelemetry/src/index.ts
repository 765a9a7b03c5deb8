export { ATTR } from './attributes.js';
export { type OncelyTelemetryOptions, oncelyTelemetry } from './telemetry.js';
