import { OncelyError, StoreUnavailableError } from '@oncely/core';

/**
 * What a store operation throws when PostgreSQL fails: oncely's own errors pass through, and
 * anything from the driver (refused connection, statement_timeout, dropped connection, a
 * missing table) becomes StoreUnavailableError with the driver's error as its cause, so the
 * engine fails closed and HTTP layers answer 503.
 */
export function toStoreError(operation: string, error: unknown): Error {
  if (error instanceof OncelyError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`PostgreSQL failed to ${operation}: ${reason}`, {
    cause: error,
  });
}

/**
 * True when the server itself answered with an error (it carries a SQLSTATE), as opposed to
 * the connection failing: after a server error on COMMIT the transaction is known to be
 * rolled back; after a connection error nobody knows.
 */
export function isServerError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
