import type { StoreNames } from './names.js';

/*
 * Every statement the store sends. Each store operation is exactly one of them, so each is one
 * round trip and atomic on the server. Every time comparison uses the server's
 * clock_timestamp(), never the caller's clock; durations arrive as milliseconds.
 *
 * Columns returned for a record: state, fingerprint, fence (as text: bigint), result, and the
 * lease / retention left in whole milliseconds (rounded up, so a live lease never reads 0).
 */

const MS = "* interval '1 millisecond'";

function remaining(column: string, now: string): string {
  return `GREATEST(0, ceil(extract(epoch FROM ${column} - ${now}) * 1000))::float8`;
}

function recordColumns(row: string, now: string): string {
  return `${row}.state, ${row}.fingerprint, ${row}.fence::text AS fence, ${row}.result,
       ${remaining(`${row}.lease_until`, now)} AS lease_remaining_ms,
       ${remaining(`${row}.expires_at`, now)} AS ttl_remaining_ms`;
}

/** The columns acquire rewrites when it wins, with the value each gets. */
function takeoverValues(sequence: string): [string, string][] {
  return [
    ['fingerprint', 'excluded.fingerprint'],
    ['state', "'in_progress'"],
    ['token', 'excluded.token'],
    ['fence', `nextval('${sequence}')`],
    ['lease_until', `d.now + $4::float8 ${MS}`],
    ['expires_at', `d.now + $5::float8 ${MS}`],
    ['result', 'NULL'],
    ['created_at', 'd.now'],
    ['updated_at', 'd.now'],
  ];
}

/** The row `r` may be taken: it expired, was released, or its lease lapsed on the same request. */
function winnable(now: string): string {
  return `(r.expires_at <= ${now} OR r.state = 'released'
          OR (r.state = 'in_progress' AND r.lease_until <= ${now} AND r.fingerprint = excluded.fingerprint))`;
}

/**
 * acquire($1 key, $2 fingerprint, $3 token, $4 leaseMs, $5 ttlMs): one statement.
 *
 * A new key is inserted with a fresh fence. An existing row is handled by ON CONFLICT DO
 * UPDATE, which locks the row and sees its latest committed version even under READ
 * COMMITTED. Three cases:
 * - the row may be taken: every column is rewritten and the fence is drawn from the sequence
 *   after the lock is held, so it is larger than the fence of the version it replaces;
 * - it may not, and the version the statement's snapshot sees is that latest version (the
 *   usual case): nothing is written, and the second branch of the UNION returns that row;
 * - it may not, but the snapshot is stale (another transaction changed or inserted the row
 *   after this statement began and we waited for its lock): the snapshot cannot be trusted,
 *   so the row is "updated" to its own values, which makes RETURNING hand back the locked,
 *   current version.
 * `acquired` is decided by comparing the returned fence with currval(): this statement drew
 * its own value in the INSERT, and again in the takeover, so only a row this statement wrote
 * carries the value currval() reports, even when another caller reuses the same token.
 */
export function acquireSql(names: StoreNames): string {
  const { qualifiedTable: table, qualifiedSequence: sequence } = names;
  const values = takeoverValues(sequence);
  const columns = values.map(([column]) => column).join(', ');
  const choices = values
    .map(([column, value]) => `CASE WHEN d.win THEN ${value} ELSE r.${column} END`)
    .join(',\n             ');
  return `WITH attempt AS (
  INSERT INTO ${table} AS r (key, fingerprint, state, token, fence, lease_until, expires_at, result, created_at, updated_at)
  SELECT $1::text, $2::text, 'in_progress', $3::text, nextval('${sequence}'),
         c.now + $4::float8 ${MS}, c.now + $5::float8 ${MS}, NULL, c.now, c.now
    FROM (SELECT clock_timestamp() AS now) c
  ON CONFLICT (key) DO UPDATE SET (${columns}) = (
      SELECT ${choices}
        FROM (SELECT now, ${winnable('now')} AS win FROM (SELECT clock_timestamp() AS now) c) d)
    WHERE ${winnable('clock_timestamp()')}
       OR r.ctid IS DISTINCT FROM (SELECT s.ctid FROM ${table} s WHERE s.key = r.key)
  RETURNING r.*, r.fence = currval('${sequence}') AS acquired
)
SELECT a.acquired, ${recordColumns('a', 'c.now')}
  FROM attempt a, (SELECT clock_timestamp() AS now) c
UNION ALL
SELECT false, ${recordColumns('s', 'c.now')}
  FROM ${table} s, (SELECT clock_timestamp() AS now) c
 WHERE s.key = $1::text AND NOT EXISTS (SELECT 1 FROM attempt)`;
}

/** complete($1 key, $2 token, $3 fence, $4 result, $5 ttlMs): owner (or its repeat) only. */
export function completeSql(names: StoreNames): string {
  return `UPDATE ${names.qualifiedTable}
   SET state = 'completed', result = $4::bytea,
       expires_at = clock_timestamp() + $5::float8 ${MS}, updated_at = clock_timestamp()
 WHERE key = $1::text AND token = $2::text AND fence = $3::bigint
   AND state IN ('in_progress', 'completed') AND expires_at > clock_timestamp()`;
}

/** release($1 key, $2 token, $3 fence): the row stays, with its fence and retention. */
export function releaseSql(names: StoreNames): string {
  return `UPDATE ${names.qualifiedTable}
   SET state = 'released', result = NULL, updated_at = clock_timestamp()
 WHERE key = $1::text AND token = $2::text AND fence = $3::bigint
   AND state = 'in_progress' AND expires_at > clock_timestamp()`;
}

/**
 * extend($1 key, $2 token, $3 fence, $4 leaseMs). The record is retained at least until the
 * new lease ends: a lease extended past the retention must not outlive its record. One
 * clock_timestamp() for the statement, so the lease never ends after the retention.
 */
export function extendSql(names: StoreNames): string {
  return `UPDATE ${names.qualifiedTable}
   SET lease_until = d.now + $4::float8 ${MS},
       expires_at = GREATEST(expires_at, d.now + $4::float8 ${MS}),
       updated_at = d.now
  FROM (SELECT clock_timestamp() AS now) d
 WHERE key = $1::text AND token = $2::text AND fence = $3::bigint
   AND state = 'in_progress' AND expires_at > d.now`;
}

/** get($1 key): live records only. */
export function getSql(names: StoreNames): string {
  return `SELECT ${recordColumns('s', 'c.now')}
  FROM ${names.qualifiedTable} s, (SELECT clock_timestamp() AS now) c
 WHERE s.key = $1::text AND s.state <> 'released' AND s.expires_at > c.now`;
}

export function deleteSql(names: StoreNames): string {
  return `DELETE FROM ${names.qualifiedTable} WHERE key = $1::text`;
}

/**
 * purgeExpired($1 batch size): one bounded batch. SKIP LOCKED passes over rows an acquire is
 * working on right now, and the outer condition re-checks expiry on the row actually locked.
 */
export function purgeSql(names: StoreNames): string {
  const table = names.qualifiedTable;
  return `DELETE FROM ${table}
 WHERE key IN (SELECT key FROM ${table}
                WHERE expires_at <= clock_timestamp()
                LIMIT $1::int
                FOR UPDATE SKIP LOCKED)
   AND expires_at <= clock_timestamp()`;
}
