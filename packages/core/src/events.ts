/**
 * Lifecycle events for metrics and logs. Keys appear only as `keyHash` (a one-way hash of the
 * namespaced key); raw keys and fingerprints are never part of an event.
 */
export type OncelyEvent =
  | { type: 'acquired'; keyHash: string; fence: number }
  | { type: 'completed'; keyHash: string; fence: number; bytes: number; durationMs: number }
  | { type: 'replayed'; keyHash: string; fence: number }
  | { type: 'conflict'; keyHash: string; retryAfterMs: number }
  | { type: 'mismatch'; keyHash: string }
  | {
      type: 'released';
      keyHash: string;
      fence: number;
      reason: 'error' | 'policy' | 'encoding' | 'too-large';
    }
  | {
      type: 'fenced';
      keyHash: string;
      fence: number;
      operation: 'complete' | 'extend' | 'lease' | 'max-run-time';
    }
  | { type: 'store_error'; keyHash: string; operation: StoreOperation; error: unknown };

export type StoreOperation = 'acquire' | 'complete' | 'release' | 'extend';

export type OncelyEventType = OncelyEvent['type'];

export type EventListener = (event: OncelyEvent) => void;
