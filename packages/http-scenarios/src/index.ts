export {
  ENCODED_PLAIN,
  PER_CLIENT_DATE,
  ScenarioApp,
  type ScenarioBody,
  type ScenarioInput,
  type ScenarioReply,
  STREAM_CHUNK,
  streamByte,
} from './app.js';
export { createAttemptProbe, PROBE_LEASE_MS } from './attempt-probe.js';
export { type RawReply, type Reply, rawRequest, type SendOptions, send } from './client.js';
export {
  exchange,
  headerValues,
  isParserRefusal,
  type RawAnswer,
  type RawExchange,
} from './raw-http.js';
export { expectReadmeChargeExample } from './readme-example.js';
export {
  type HttpScenarioTarget,
  runHttpScenarios,
  type ScenarioServer,
  type ScenarioServerOptions,
} from './run.js';
export { type PortableOptions, type RuntimeTarget, runRuntimeSmoke } from './runtime-smoke.js';
export {
  bearer,
  runSeamScenarios,
  SCENARIO_JWT_SECRET,
  type ScenarioUser,
  type SeamOptions,
  signToken,
  verifyToken,
} from './seams/index.js';
export { runSecurityScenarios, type SecurityScenarioOptions } from './security/index.js';
export { bunParser, type HttpParserModel, nodeParser } from './security/parsers.js';
export {
  listenFetch,
  webAppErrorResponse,
  webBearerUser,
  webGzip,
  webScenarioBody,
  webScenarioInput,
  webScenarioResponse,
} from './web.js';
