export { defaultCodec, type ResultCodec } from './codec.js';
export { type Duration, parseDuration } from './duration.js';
export {
  createIdempotency,
  type Idempotency,
  type RunContext,
  type RunOptions,
  type RunOutcome,
} from './engine.js';
export {
  ConflictError,
  ContentCodingNotAcceptableError,
  CredentialsMismatchError,
  FingerprintMismatchError,
  InvalidArgumentError,
  InvalidKeyError,
  isOncelyError,
  MissingKeyError,
  NestingMismatchError,
  OncelyError,
  type OncelyErrorCode,
  type OncelyErrorsByCode,
  OwnershipLostError,
  PROBLEM_BASE,
  RequestTooDeepError,
  ResultEncodingError,
  ResultTooLargeError,
  StoreUnavailableError,
} from './errors.js';
export type {
  EventBase,
  EventFields,
  EventListener,
  OncelyEvent,
  OncelyEventType,
  OperationContext,
  OperationOutcome,
  OperationTimings,
  StoreOperation,
} from './events.js';
export { canonicalJson, fingerprint, MAX_FINGERPRINT_DEPTH } from './fingerprint.js';
export * from './http/index.js';
export { hashKey, MAX_KEY_LENGTH, namespacedKey, validateKey } from './keys.js';
export type { Logger, LogLevel } from './logger.js';
export {
  type HandleMessageOptions,
  handleMessage,
  type MessageDeadLetterReason,
  type MessageDecision,
  type MessageRetryReason,
} from './message.js';
export type { ContextSource } from './observation.js';
export { type IdempotencyOptions, type ResolvedOptions, validateStore } from './options.js';
export type {
  AcquireInput,
  AcquireResult,
  CompletedRecord,
  CompleteInput,
  ExtendInput,
  InProgressRecord,
  OwnerInput,
  Store,
  StoreCapabilities,
  StoreRecord,
} from './store.js';
export { STORE_METHODS } from './store.js';
