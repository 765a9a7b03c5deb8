export { freePort } from './free-port.js';
export { probeService, type ServiceProbe } from './service.js';
