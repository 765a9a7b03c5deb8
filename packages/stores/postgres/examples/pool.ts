import pg from 'pg';

/** A pool for the store: bounded waits, and the `error` listener every pg Pool needs. */
export function createPool(connectionString: string, log: (message: string) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    statement_timeout: 2_000, // ms; the store's statements take milliseconds
    connectionTimeoutMillis: 2_000,
  });
  // The server or a proxy can end an idle connection (a restart, a failover,
  // idle_session_timeout): the pool drops it and emits 'error', which, unheard, ends the process.
  pool.on('error', (error) => log(`idle PostgreSQL connection failed: ${error.message}`));
  return pool;
}
