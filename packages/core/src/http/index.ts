export { BodyCollector, type BoundedRead, readBounded, toBuffer } from './body-capture.js';
export {
  acceptsCodings,
  type ContentDecoders,
  contentCodings,
  replayForClient,
} from './content-coding.js';
export { DEFAULT_CREDENTIAL_HEADERS } from './credentials.js';
export { NOT_REPLAYED_BY_DEFAULT, replayableHeaders, withHeaderLines } from './headers.js';
export {
  createHttpIdempotency,
  type Downstream,
  type HandleContext,
  type HttpIdempotency,
} from './http-idempotency.js';
export { parseKeyHeader } from './key-header.js';
export { nodeContentDecoders } from './node-content-decoders.js';
export { handleNodeRequest, type NodeExchange } from './node-exchange.js';
export { fromNodeRequest, type NodeRequestLike, nodeRoutePattern } from './node-request.js';
export { ResponseHold, writeResponse } from './node-response-hold.js';
export type { HttpIdempotencyOptions, ResolvedHttpOptions } from './options.js';
export { defaultShouldStore } from './policy.js';
export { problemDetails, problemResponse } from './problem.js';
export { requestFingerprint } from './request-fingerprint.js';
export {
  conflictWaitMs,
  RunTimes,
  retryAfterSeconds,
  UNKNOWN_RUN_TIME_MS,
} from './retry-after.js';
export {
  type RouteCoverage,
  type RouteSetting,
  resolveRouteCoverage,
  routeInstance,
} from './route-setting.js';
export type {
  CapturedResponse,
  HttpDecision,
  HttpHeaders,
  HttpRequest,
  HttpResponse,
  ProblemDetails,
  ResponseContext,
} from './types.js';
export {
  fromWebHeaders,
  handleWebRequest,
  requestBytes,
  toWebHeaders,
  toWebResponse,
  type WebExchange,
  type WebNext,
} from './web.js';
export { webContentDecoders } from './web-content-decoders.js';
export { type BoundedStreamRead, readBoundedStream } from './web-stream.js';
