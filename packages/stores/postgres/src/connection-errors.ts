import type { PgPool, PgPoolClient } from './pg-types.js';

type Emitter = {
  on(event: string, listener: (...args: never[]) => void): unknown;
  listenerCount(event: string): number;
};

function isEmitter(value: unknown): value is Emitter {
  const candidate = value as Partial<Emitter>;
  return typeof candidate.on === 'function' && typeof candidate.listenerCount === 'function';
}

/**
 * A `pg.Pool` emits `error` when the server or the network ends one of its idle connections
 * (a restart, a failover, `idle_session_timeout`, a proxy), and with no listener Node ends the
 * process, cutting off every operation still completing. When the application attached no
 * listener, the store attaches one that reports the error through `onWarning`; the pool has
 * already discarded the connection and opens a new one when needed. It stays attached, and
 * keeps quiet while the application has a listener of its own (one added later, or for a
 * while, as `events.once` does): removing it then would leave the pool unheard again.
 */
export function reportIdleConnectionErrors(
  pool: PgPool,
  onWarning: (message: string) => void,
): void {
  if (!isEmitter(pool) || pool.listenerCount('error') > 0) return;
  const onError = (error: Error) => {
    if (pool.listenerCount('error') > 1) return; // the application's listener has it
    onWarning(
      `oncely: an idle PostgreSQL connection of the pool failed (${error.message}); the pool discarded it. ` +
        'Reported here because the pool has no error listener of its own.',
    );
  };
  pool.on('error', onError);
}

/**
 * A connection checked out of a pool has no `error` listener (the pool takes its own off while
 * the connection is lent): if the server ends it between two queries, the client emits
 * `error` and, unheard, that ends the process. The store listens while it holds a connection
 * it checked out; the next query on it fails, and `failure()` tells the caller to hand it back
 * as broken.
 */
export function watchCheckedOut(client: PgPoolClient): {
  failure(): Error | undefined;
  stop(): void;
} {
  let failed: Error | undefined;
  const onError = (error: Error) => {
    failed = error;
  };
  client.on?.('error', onError);
  return {
    failure: () => failed,
    // A failed connection keeps the listener: it is discarded, and may emit again on its way.
    stop: () => {
      if (!failed) client.off?.('error', onError);
    },
  };
}
