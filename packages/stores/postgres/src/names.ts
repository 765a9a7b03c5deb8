import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@oncely/core';

/** Every object the store creates, named from the table and quoted for SQL. */
export interface StoreNames {
  schema: string;
  table: string;
  /** `"schema"`, ready to put into SQL. */
  quotedSchema: string;
  /** `"schema"."table"`, ready to put into SQL. */
  qualifiedTable: string;
  /** `"schema"."table_fence_seq"`: the counter every fence is drawn from. */
  qualifiedSequence: string;
  /** The index that lets `purgeExpired` find expired rows without a full scan. */
  expiryIndex: string;
  /** The advisory lock `migrate()` holds, so that many processes can run it at once. */
  migrationLockKey: string;
}

export const DEFAULT_SCHEMA = 'public';
export const DEFAULT_TABLE = 'oncely_records';

const SEQUENCE_SUFFIX = '_fence_seq';
const INDEX_SUFFIX = '_expires_at_idx';
/** PostgreSQL truncates identifiers longer than this many bytes, so derived names must fit. */
const MAX_IDENTIFIER_BYTES = 63;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validateIdentifier(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new InvalidArgumentError(
      field,
      'expected a name of letters, digits and underscores that does not start with a digit',
    );
  }
  if (value.length > maxLength) {
    throw new InvalidArgumentError(field, `must be at most ${maxLength} characters`);
  }
  return value;
}

/** Double-quote an identifier (validated above, but quoted correctly all the same). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function resolveNames(
  schema: unknown = DEFAULT_SCHEMA,
  table: unknown = DEFAULT_TABLE,
): StoreNames {
  const validSchema = validateIdentifier(schema, 'schema', MAX_IDENTIFIER_BYTES);
  const validTable = validateIdentifier(
    table,
    'table',
    MAX_IDENTIFIER_BYTES - Math.max(SEQUENCE_SUFFIX.length, INDEX_SUFFIX.length),
  );
  const quotedSchema = quoteIdentifier(validSchema);
  const digest = createHash('sha256')
    .update(`oncely.migrate:${validSchema}.${validTable}`)
    .digest();
  return {
    schema: validSchema,
    table: validTable,
    quotedSchema,
    qualifiedTable: `${quotedSchema}.${quoteIdentifier(validTable)}`,
    qualifiedSequence: `${quotedSchema}.${quoteIdentifier(validTable + SEQUENCE_SUFFIX)}`,
    expiryIndex: quoteIdentifier(validTable + INDEX_SUFFIX),
    migrationLockKey: digest.readBigInt64BE(0).toString(),
  };
}
