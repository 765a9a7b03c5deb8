/*
 * The few parts of node-postgres (`pg` 8.x) this package uses, written out structurally so
 * the published types do not depend on `@types/pg`: a `pg.Pool` and the `pg.PoolClient` it
 * hands out fit them as they are.
 */

export type PgRow = Record<string, unknown>;

export interface PgQueryResult<R extends PgRow = PgRow> {
  rows: R[];
  rowCount: number | null;
}

/** Anything that runs a parameterised query: a `pg.Pool`, a `pg.Client`, a `pg.PoolClient`. */
export interface PgQueryable {
  query<R extends PgRow = PgRow>(text: string, values?: unknown[]): Promise<PgQueryResult<R>>;
}

/** The event methods of `pg.Pool` and `pg.Client` (Node EventEmitters) the store uses. */
export interface PgEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/** A connection checked out of a pool; `release(error)` tells the pool to discard it. */
export interface PgPoolClient extends PgQueryable, Partial<PgEvents> {
  release(error?: Error | boolean): void;
}

/** A `pg.Pool`. */
export interface PgPool extends PgQueryable, Partial<PgEvents> {
  connect(): Promise<PgPoolClient>;
}
