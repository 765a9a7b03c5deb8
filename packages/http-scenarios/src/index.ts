export {
  type ScenarioBody,
  type ScenarioInput,
  type ScenarioReply,
  ScenarioApp,
  STREAM_CHUNK,
  streamByte,
} from './app.js';
export { type RawReply, rawRequest, type Reply, type SendOptions, send } from './client.js';
export {
  type HttpScenarioTarget,
  runHttpScenarios,
  type ScenarioServer,
  type ScenarioServerOptions,
} from './run.js';
