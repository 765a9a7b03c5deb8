import type { OrderRequest } from './order.js';

export type StoreKind = 'memory' | 'redis';
export type Framework = 'express' | 'fastify';

/** Where a library keeps its records for one measurement. */
export interface StoreTarget {
  kind: StoreKind;
  /** Redis URL, for `redis`. */
  redisUrl?: string;
  /** Every key the library writes starts with this (or contains it, where the library adds its own prefix). */
  prefix: string;
}

/** A library driven directly, without HTTP: one idempotent call per operation. */
export interface EngineSubject {
  /** Run (or replay) the order operation for `key`; resolves to the order. */
  call(key: string, request: OrderRequest): Promise<unknown>;
  /**
   * Remove the record `key` left, as expiry would (memory stores only; the scale scenario keeps
   * its store at the stated count with it). Absent where the library's store cannot.
   */
  forget?(key: string): Promise<void>;
  close(): Promise<void>;
}

export type LibraryId =
  | 'baseline'
  | 'oncely'
  /** oncely with @oncely/opentelemetry and no SDK registered (the API's no-op). */
  | 'oncely-otel-noop'
  /** oncely with @oncely/opentelemetry on the real SDK (spans batched, metrics read). */
  | 'oncely-otel-sdk'
  | 'node-idempotency'
  | 'powertools'
  | 'express-idempotency';
