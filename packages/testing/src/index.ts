export { freePort } from './free-port.js';
export { probeService, type ServiceProbe } from './service.js';
export { deferred, until } from './until.js';
