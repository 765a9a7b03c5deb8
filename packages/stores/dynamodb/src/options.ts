import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '@oncely/core';
import { type AttributeNames, RESERVED_ATTRIBUTE_NAMES } from './attributes.js';

export interface DynamoDBStoreOptions {
  /** Your DynamoDB client (AWS SDK v3). The store never closes it. */
  client: DynamoDBClient;
  /** The table that holds the records. Default `"oncely"`. */
  tableName?: string | undefined;
  /** The table's partition key attribute (type S). Default `"pk"`. */
  keyAttribute?: string | undefined;
  /**
   * The attribute DynamoDB's TTL deletes by, in epoch seconds. Default `"ttl"`. Enable TTL on
   * this attribute (`createTable()` does) so expired records do not pile up.
   */
  ttlAttribute?: string | undefined;
  /** Results larger than this many bytes are stored brotli-compressed. Default `1024`. */
  compressAboveBytes?: number | undefined;
  /**
   * The largest result, uncompressed, that `complete` accepts. Default 10 MiB. A result must
   * also fit in one 400 KB item once compressed; one that does not is refused with
   * `ResultTooLargeError` (see README: size policy).
   */
  maxResultBytes?: number | undefined;
}

export interface ResolvedStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  attributes: AttributeNames;
  compressAboveBytes: number;
  maxResultBytes: number;
}

export const DEFAULT_TABLE_NAME = 'oncely';
export const DEFAULT_KEY_ATTRIBUTE = 'pk';
export const DEFAULT_TTL_ATTRIBUTE = 'ttl';
export const DEFAULT_COMPRESS_ABOVE_BYTES = 1024;
export const DEFAULT_MAX_RESULT_BYTES = 10 * 1024 * 1024;

// DynamoDB's own rules for table names and key attribute names.
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const MAX_KEY_ATTRIBUTE_BYTES = 255;

export function resolveStoreOptions(options: DynamoDBStoreOptions): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'expected { client, ... }');
  }
  const client = options.client as unknown;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof (client as { send?: unknown }).send !== 'function'
  ) {
    throw new InvalidArgumentError(
      'client',
      'expected a DynamoDBClient from @aws-sdk/client-dynamodb',
    );
  }
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  if (typeof tableName !== 'string' || !TABLE_NAME.test(tableName)) {
    throw new InvalidArgumentError(
      'tableName',
      'expected 3..255 characters of A-Z, a-z, 0-9, "_", "-", "."',
    );
  }
  const key = attributeName(options.keyAttribute ?? DEFAULT_KEY_ATTRIBUTE, 'keyAttribute');
  const ttl = attributeName(options.ttlAttribute ?? DEFAULT_TTL_ATTRIBUTE, 'ttlAttribute');
  if (key === ttl) throw new InvalidArgumentError('ttlAttribute', 'must differ from keyAttribute');
  const compressAboveBytes = wholeNumber(
    options.compressAboveBytes ?? DEFAULT_COMPRESS_ABOVE_BYTES,
    'compressAboveBytes',
    0,
  );
  const maxResultBytes = wholeNumber(
    options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
    'maxResultBytes',
    1,
  );
  return {
    client: client as DynamoDBClient,
    tableName,
    attributes: { key, ttl },
    compressAboveBytes,
    maxResultBytes,
  };
}

function attributeName(name: unknown, field: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(field, 'expected a non-empty string');
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_KEY_ATTRIBUTE_BYTES) {
    throw new InvalidArgumentError(field, `must be at most ${MAX_KEY_ATTRIBUTE_BYTES} bytes`);
  }
  if (RESERVED_ATTRIBUTE_NAMES.has(name)) {
    throw new InvalidArgumentError(field, `"${name}" is one of the store's own attributes`);
  }
  return name;
}

function wholeNumber(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(field, `expected a whole number of at least ${min}`);
  }
  return value;
}
