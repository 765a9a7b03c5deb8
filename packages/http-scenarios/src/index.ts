export {
  ScenarioApp,
  type ScenarioBody,
  type ScenarioInput,
  type ScenarioReply,
  STREAM_CHUNK,
  streamByte,
} from './app.js';
export { type RawReply, type Reply, rawRequest, type SendOptions, send } from './client.js';
export {
  type HttpScenarioTarget,
  runHttpScenarios,
  type ScenarioServer,
  type ScenarioServerOptions,
} from './run.js';
