/**
 * The Store contract. A store holds opaque records for namespaced keys; it never interprets
 * results. Every operation is atomic on the store's side. Durations go in, never the
 * caller's clock: a store measures time with its own server clock where it has one.
 */

/** A record as a store hands it back. */
export type StoreRecord = InProgressRecord | CompletedRecord;

export interface InProgressRecord {
  state: 'in_progress';
  /** The fingerprint of the request that holds (or last held) the key. */
  fingerprint: string;
  /** The fence of the current owner. */
  fence: number;
  /** Milliseconds left on the owner's lease; 0 when the lease has lapsed. */
  leaseRemainingMs: number;
}

export interface CompletedRecord {
  state: 'completed';
  fingerprint: string;
  fence: number;
  /** The stored result, byte for byte. */
  result: Uint8Array;
  /** Milliseconds until the record expires. */
  ttlRemainingMs: number;
}

export interface AcquireInput {
  /** The namespaced key (prefix + scope + key). Any non-empty string, unicode included. */
  key: string;
  fingerprint: string;
  /** A fresh random token that identifies this acquisition's owner. */
  token: string;
  /** How long the owner holds the key without extending it. */
  leaseMs: number;
  /**
   * How long the record is retained. An in-progress record whose lease lapsed is kept this
   * long, so that its fingerprint still guards the key and a takeover's fence keeps growing.
   */
  ttlMs: number;
}

export type AcquireResult =
  | { acquired: true; fence: number }
  | { acquired: false; record: StoreRecord };

export interface OwnerInput {
  key: string;
  token: string;
  fence: number;
}

export interface CompleteInput extends OwnerInput {
  result: Uint8Array;
  /** How long the completed record lives, from now. */
  ttlMs: number;
}

export interface ExtendInput extends OwnerInput {
  /** The new lease, from now. */
  leaseMs: number;
}

/** What a store supports and its limits, so the engine and the suite adapt instead of guessing. */
export interface StoreCapabilities {
  /** The largest result, in bytes, that `complete` accepts. */
  maxResultBytes: number;
  /** Whose clock measures leases and expiry: the store server's, or this process's. */
  clock: 'server' | 'caller';
  /**
   * True when two instances made the same way (e.g. over separate connections) see the same
   * records. False for a store that lives in one process's memory.
   */
  sharedAcrossInstances: boolean;
}

/**
 * The contract every store keeps and `@oncely/conformance` proves.
 *
 * Semantics of `acquire`, in one atomic step:
 * - no record, an expired record, or a released key: write an in-progress record, return
 *   `{ acquired: true, fence }` with a fence larger than any earlier fence for that key;
 * - an in-progress record whose lease lapsed, with the same fingerprint: take it over the
 *   same way (new token, larger fence);
 * - anything else: write nothing and return the current record.
 */
export interface Store {
  readonly capabilities: StoreCapabilities;
  acquire(input: AcquireInput): Promise<AcquireResult>;
  /** Store the result; `false` when the caller no longer owns the key. */
  complete(input: CompleteInput): Promise<boolean>;
  /** Free the key for a retry, keeping its fence; `false` when the caller is not the owner. */
  release(input: OwnerInput): Promise<boolean>;
  /** Renew the owner's lease; `false` when the caller is not the owner. */
  extend(input: ExtendInput): Promise<boolean>;
  /** The live record, or `undefined` (never an expired or released one). */
  get(key: string): Promise<StoreRecord | undefined>;
  /** Remove the record outright (administrative; the fence sequence starts again). */
  delete(key: string): Promise<void>;
  /** Release what the store holds; it does not close a client it was given. */
  close(): Promise<void>;
}

const STORE_METHODS = [
  'acquire',
  'complete',
  'release',
  'extend',
  'get',
  'delete',
  'close',
] as const;

export { STORE_METHODS };
