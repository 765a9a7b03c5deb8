export { type ServiceProbe, probeService } from './service.js';
export { freePort } from './free-port.js';
