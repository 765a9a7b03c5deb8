/**
 * Lifecycle events for metrics, logs and traces. Keys and scopes appear only as hashes
 * (`keyHash`, `context.scopeHash`); raw keys, scopes, fingerprints and bodies are never part
 * of an event. Events are built only when someone listens (`onEvent` or a `logger`).
 */

/**
 * What the caller attached to an operation, to join its events to the request log or a trace.
 * The HTTP bindings fill `method`, `route`, `requestId` (where the framework has one) and
 * `scopeHash`; `run({ context })` attaches your own.
 */
export interface OperationContext {
  /** The HTTP method. */
  readonly method?: string | undefined;
  /** The route pattern that matched (`/orders/:id`), never the path with its ids. */
  readonly route?: string | undefined;
  /** The framework's request id (Fastify's `request.id`), as in its request log. */
  readonly requestId?: string | undefined;
  /** A one-way hash of the scope (the same hash as `keyHash`), when a scope is set. */
  readonly scopeHash?: string | undefined;
  /** Your own attributes; keep secrets and personal data out of them. */
  readonly [attribute: string]: string | number | boolean | undefined;
}

/** Where an operation's time went, in milliseconds, as measured so far. */
export interface OperationTimings {
  /** When the operation started, in milliseconds since the epoch (sub-millisecond precision). */
  readonly startedAt: number;
  /** In `store.acquire` calls (every try, when it waited for another attempt). */
  readonly acquireMs: number;
  /** Waiting between acquire tries for another attempt to finish (`wait`); 0 without waiting. */
  readonly waitMs: number;
  /** Running the handler; `undefined` when it did not run (yet). */
  readonly handlerMs: number | undefined;
  /** Storing the result (every try) or releasing the key; `undefined` before that step. */
  readonly completeMs: number | undefined;
}

/** How an operation ended, as the `settled` event reports it. */
export type OperationOutcome =
  /** The handler ran and returned; `stored` says whether its result is kept for replay. */
  | 'executed'
  /** The stored result was returned; nothing ran. */
  | 'replayed'
  /** Another attempt with this key was still running (HTTP 409). */
  | 'conflict'
  /** The key was used before for another request (HTTP 422). */
  | 'mismatch'
  /**
   * The store failed: before the handler (HTTP 503, nothing ran) or, with `handlerRan`, after
   * it: the result went out but is not stored yet (completion goes on in the background).
   */
  | 'store-unavailable'
  /** The handler ran, but another attempt had taken the key over: its result was not stored. */
  | 'fenced'
  /**
   * The handler threw, or its result could not be encoded or was too large to store; the key
   * was released. (Over HTTP the response still went out.)
   */
  | 'failed';

/** Fields every event has. */
export interface EventBase {
  /** A one-way hash of the namespaced key: the same for every event of one key. */
  keyHash: string;
  /** What the caller attached (`run({ context })`, the HTTP bindings' request context). */
  context: OperationContext | undefined;
  /** Where the time went up to this event. */
  timings: OperationTimings;
  /** The store's name (its class name unless it declares a string `name`). */
  store: string;
}

export type OncelyEvent = EventBase &
  (
    | { type: 'acquired'; fence: number }
    | {
        type: 'completed';
        fence: number;
        bytes: number;
        durationMs: number;
        /** Stored by the background completion, after the caller was told the store failed. */
        background: boolean;
      }
    | { type: 'replayed'; fence: number }
    | { type: 'conflict'; retryAfterMs: number }
    | { type: 'mismatch' }
    | {
        type: 'released';
        fence: number;
        reason: 'error' | 'policy' | 'encoding' | 'too-large';
      }
    | {
        type: 'fenced';
        fence: number;
        operation: 'complete' | 'extend' | 'lease' | 'max-run-time';
        /** Refused to the background completion. */
        background: boolean;
      }
    /** The background completion gave up at the end of the lease: the result is not stored. */
    | { type: 'abandoned'; fence: number }
    | { type: 'store_error'; operation: StoreOperation; error: unknown }
    /** One store call, answered or failed, and how long it took. */
    | { type: 'store_call'; operation: StoreOperation; durationMs: number; ok: boolean }
    /** The end of `run`: exactly one per operation, after every other event but background ones. */
    | {
        type: 'settled';
        outcome: OperationOutcome;
        /** The fence of the attempt that ran, or of the stored result replayed. */
        fence: number | undefined;
        /** The handler ran in this operation. */
        handlerRan: boolean;
        /** Its result is stored for replay. */
        stored: boolean;
        /** The store's error, for `store-unavailable` (the driver's own error, as `store_error` has it). */
        error?: unknown;
      }
  );

export type StoreOperation = 'acquire' | 'complete' | 'release' | 'extend';

export type OncelyEventType = OncelyEvent['type'];

export type EventListener = (event: OncelyEvent) => void;

/** One event type's own fields, without the common ones. */
export type EventFields<T extends OncelyEventType> = Omit<
  Extract<OncelyEvent, { type: T }>,
  keyof EventBase | 'type'
>;
