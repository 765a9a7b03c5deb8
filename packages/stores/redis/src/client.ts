import { InvalidArgumentError } from '@oncely/core';
import type { Cluster, Redis } from 'ioredis';

/** What the store accepts: an ioredis 5 or 6 client, standalone (`Redis`) or `Cluster`. */
export type RedisClient = Redis | Cluster;

type ReplyArgument = string | Buffer | number;

/** The socket of a standalone client, as the store holds it for a tick (tick-writes.ts). */
export interface CorkableStream {
  cork(): void;
  uncork(): void;
}

/**
 * The few client members the store uses. ioredis is a peer dependency and may be another
 * copy than ours, so the client is recognised by shape, not by `instanceof`.
 */
export interface ClientSurface {
  readonly status: string;
  readonly isCluster: boolean;
  readonly options: { keyPrefix?: unknown; redisOptions?: { keyPrefix?: unknown } };
  evalshaBuffer(sha: string, numkeys: number, ...args: ReplyArgument[]): Promise<unknown>;
  /** `SET key value ...options`, the reply as bytes (`GET` option) or `null`. */
  setBuffer(key: string, value: string, ...options: ReplyArgument[]): Promise<Buffer | null>;
  evalBuffer(script: string, numkeys: number, ...args: ReplyArgument[]): Promise<unknown>;
  del(key: string): Promise<number>;
  config(subcommand: 'GET', parameter: string): Promise<unknown>;
  connect(): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  listenerCount(event: string): number;
  /** Standalone only: the connection's socket (absent before the first connect). */
  readonly stream?: CorkableStream | undefined;
  /** Cluster only: the node clients. */
  nodes?(role: 'master' | 'all'): ClientSurface[];
}

/**
 * Check that `client` is an ioredis client the store can use, and refuse the modes that would
 * break it. Throws InvalidArgumentError naming the field.
 */
export function validateClient(client: unknown): ClientSurface {
  if (typeof client !== 'object' || client === null) {
    throw new InvalidArgumentError(
      'client',
      'expected an ioredis 5 or 6 client (new Redis(...) or new Cluster(...))',
    );
  }
  const candidate = client as Partial<Record<keyof ClientSurface, unknown>>;
  const looksLikeIoredis =
    typeof candidate.evalshaBuffer === 'function' &&
    typeof candidate.evalBuffer === 'function' &&
    typeof candidate.setBuffer === 'function' &&
    typeof candidate.status === 'string' &&
    typeof candidate.isCluster === 'boolean' &&
    typeof candidate.options === 'object' &&
    candidate.options !== null;
  if (!looksLikeIoredis) {
    throw new InvalidArgumentError(
      'client',
      'expected an ioredis 5 or 6 client (new Redis(...) or new Cluster(...)); other Redis clients are not supported',
    );
  }
  const surface = client as ClientSurface;
  // ioredis would prepend keyPrefix to the scripts' KEYS, which is fine for the keys, but a
  // prefix holding "{" would replace the store's hash tag and split a record across slots,
  // and the prefix would be invisible to the store's own bookkeeping. One place for the
  // prefix is clearer: the store's `prefix` option.
  const prefix = surface.options.keyPrefix ?? surface.options.redisOptions?.keyPrefix;
  if (prefix !== undefined && prefix !== null && String(prefix) !== '') {
    throw new InvalidArgumentError(
      'client.options.keyPrefix',
      'the client has a keyPrefix; pass a client without one and use the store option `prefix` instead',
    );
  }
  if (surface.status === 'end') {
    throw new InvalidArgumentError(
      'client',
      'the ioredis client is closed (quit() or disconnect() was called); pass an open client',
    );
  }
  return surface;
}
