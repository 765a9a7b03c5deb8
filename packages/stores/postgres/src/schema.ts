import { InvalidArgumentError } from '@oncely/core';
import type { StoreNames } from './names.js';
import type { PgQueryable } from './pg-types.js';

/**
 * The DDL for the store's table, for `migrate()` and for users who run their own migrations.
 * Fences come from one sequence for all keys, so they grow across release, takeover, expiry
 * and deletion alike. It must keep `CACHE 1` (the default): the store relies on every value
 * it draws being larger than every value drawn before it.
 */
export function migrationSql(names: StoreNames): string {
  const { qualifiedTable: table, qualifiedSequence: sequence, expiryIndex } = names;
  return `CREATE SEQUENCE IF NOT EXISTS ${sequence} AS bigint CACHE 1;

CREATE TABLE IF NOT EXISTS ${table} (
  key          text COLLATE "C" PRIMARY KEY,
  fingerprint  text NOT NULL,
  state        text NOT NULL CHECK (state IN ('in_progress', 'completed', 'released')),
  token        text NOT NULL,
  fence        bigint NOT NULL,
  lease_until  timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  result       bytea,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS ${expiryIndex} ON ${table} (expires_at);
`;
}

const TEXT = ['text', 'character varying'];
const TIMESTAMPTZ = ['timestamp with time zone'];

/** The columns the store reads and writes, with the types it can work with. */
export const EXPECTED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  key: TEXT,
  fingerprint: TEXT,
  state: TEXT,
  token: TEXT,
  fence: ['bigint'],
  lease_until: TIMESTAMPTZ,
  expires_at: TIMESTAMPTZ,
  result: ['bytea'],
  created_at: TIMESTAMPTZ,
  updated_at: TIMESTAMPTZ,
};

type SchemaFacts = {
  has_table: boolean;
  has_sequence: boolean;
  key_is_unique: boolean;
  has_expiry_index: boolean;
  columns: [string, string][] | null;
};

/** One round trip that tells whether the table, its columns, its key index and the sequence exist. */
function inspectionSql(): string {
  return `SELECT to_regclass($3) IS NOT NULL AS has_table,
       to_regclass($4) IS NOT NULL AS has_sequence,
       to_regclass($5) IS NOT NULL AS has_expiry_index,
       EXISTS (
         SELECT 1 FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = to_regclass($3) AND i.indisunique AND i.indnatts = 1
           AND i.indpred IS NULL AND a.attname = 'key'
       ) AS key_is_unique,
       (SELECT json_agg(json_build_array(column_name, data_type))
          FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = $2) AS columns`;
}

/**
 * Check that the table is one the store can use, so a wrong or missing table fails with a
 * message that says what to fix instead of a SQL error in the middle of a request. Also tells
 * whether the expiry index exists: the store works without it, but purging would scan.
 */
export async function verifySchema(
  db: PgQueryable,
  names: StoreNames,
): Promise<{ hasExpiryIndex: boolean }> {
  const { rows } = await db.query<SchemaFacts>(inspectionSql(), [
    names.schema,
    names.table,
    names.qualifiedTable,
    names.qualifiedSequence,
    `${names.quotedSchema}.${names.expiryIndex}`,
  ]);
  const facts = rows[0];
  if (!facts) throw new Error('the schema inspection returned no row');
  const fix = 'Run store.migrate(), or create it with the SQL in the @oncely/postgres README.';
  if (!facts.has_table) {
    throw new InvalidArgumentError('table', `${names.qualifiedTable} does not exist. ${fix}`);
  }
  const found = new Map(facts.columns ?? []);
  const problems: string[] = [];
  const missing = Object.keys(EXPECTED_COLUMNS).filter((column) => !found.has(column));
  if (missing.length > 0)
    problems.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  for (const [column, types] of Object.entries(EXPECTED_COLUMNS)) {
    const type = found.get(column);
    if (type !== undefined && !types.includes(type)) {
      problems.push(`column ${column} is ${type}, expected ${types.join(' or ')}`);
    }
  }
  if (missing.length === 0 && !facts.key_is_unique) {
    problems.push('column key has no primary key or unique index');
  }
  if (!facts.has_sequence) problems.push(`sequence ${names.qualifiedSequence} does not exist`);
  if (problems.length > 0) {
    throw new InvalidArgumentError(
      'table',
      `${names.qualifiedTable} is not an oncely table: ${problems.join('; ')}. ${fix}`,
    );
  }
  return { hasExpiryIndex: facts.has_expiry_index };
}
