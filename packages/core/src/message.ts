import { type Duration, parseDuration } from './duration.js';
import type { RunOutcome } from './engine.js';
import { isOncelyError, type OncelyErrorCode } from './errors.js';

/** Why a message should come again later: redelivery can succeed. */
export type MessageRetryReason =
  /** Another delivery of the same message is running now (`ConflictError`). */
  | 'conflict'
  /** The store failed or was late (`StoreUnavailableError`): nothing may run without it. */
  | 'store-unavailable'
  /** This attempt's lease lapsed and another took the key over (`OwnershipLostError`). */
  | 'ownership-lost'
  /** The handler threw: the key was released, a redelivery runs it again. */
  | 'failed'
  /** `shouldStore` declined the result: the key was released, a redelivery runs it again. */
  | 'not-stored';

/** Why a message can never succeed as it is: redelivering it would fail the same way. */
export type MessageDeadLetterReason =
  /** The key was used by another message with other content (`FingerprintMismatchError`). */
  | 'fingerprint-mismatch'
  /** The message has no key, or a malformed one. */
  | 'missing-key'
  | 'invalid-key'
  /** The message is nested too deep to fingerprint. */
  | 'request-too-deep'
  /** The handler's result cannot be stored (too large, or the codec refused it). */
  | 'result-too-large'
  | 'result-encoding';

/** What a queue consumer does with a message after oncely handled it. */
export type MessageDecision<T> =
  /** Its effect is stored (run now and completed, or replayed): ack it. */
  | { action: 'ack'; outcome: RunOutcome<T> }
  /**
   * Let it come again after `delayMs`: RabbitMQ `nack(requeue)` after the delay (or a delay
   * queue), JetStream `nak(delayMs)`, SQS a visibility timeout of `delayMs`.
   */
  | { action: 'retry'; reason: MessageRetryReason; delayMs: number; error?: unknown }
  /** Park it where a person looks (a dead-letter queue, a term()); never retry it as it is. */
  | { action: 'dead-letter'; reason: MessageDeadLetterReason; error: unknown };

export interface HandleMessageOptions {
  /** The pause before a redelivery when the error suggests none (`failed`, `ownership-lost`, `not-stored`). Default `"1s"`. */
  retryDelay?: Duration | undefined;
}

const DEAD_LETTER: readonly (MessageDeadLetterReason & OncelyErrorCode)[] = [
  'fingerprint-mismatch',
  'missing-key',
  'invalid-key',
  'request-too-deep',
  'result-too-large',
  'result-encoding',
];

/**
 * Run one message through oncely and say what to do with it: `attempt` is the `run` (or
 * `runTransactional`) call for the message, keyed by its id. It resolves to `ack` only once
 * the result is stored, so a consumer that acks on `ack` never acks an effect without its
 * record. It rejects only for a bug in the options (an `InvalidArgumentError`), never for
 * something a redelivery or a dead letter answers.
 */
export async function handleMessage<T>(
  attempt: () => Promise<RunOutcome<T>>,
  options: HandleMessageOptions = {},
): Promise<MessageDecision<T>> {
  const retryDelayMs = parseDuration(options.retryDelay ?? '1s', 'retryDelay');
  let outcome: RunOutcome<T>;
  try {
    outcome = await attempt();
  } catch (error) {
    return decide(error, retryDelayMs);
  }
  if (outcome.status === 'executed' && !outcome.stored) {
    return { action: 'retry', reason: 'not-stored', delayMs: retryDelayMs };
  }
  return { action: 'ack', outcome };
}

function decide<T>(error: unknown, retryDelayMs: number): MessageDecision<T> {
  // By brand, so errors from another copy of core (a store's CJS build) are recognised too.
  for (const code of DEAD_LETTER) {
    if (isOncelyError(error, code)) return { action: 'dead-letter', reason: code, error };
  }
  if (isOncelyError(error, 'conflict')) {
    return { action: 'retry', reason: 'conflict', delayMs: error.retryAfterMs, error };
  }
  if (isOncelyError(error, 'store-unavailable')) {
    return { action: 'retry', reason: 'store-unavailable', delayMs: error.retryAfterMs, error };
  }
  if (isOncelyError(error, 'ownership-lost')) {
    return { action: 'retry', reason: 'ownership-lost', delayMs: retryDelayMs, error };
  }
  // A bad option is the consumer's bug: a redelivery would meet it again, so it is not hidden.
  if (isOncelyError(error, 'invalid-argument')) throw error;
  return { action: 'retry', reason: 'failed', delayMs: retryDelayMs, error };
}
