/**
 * The item layout. Two names are the user's to choose (the table's partition key and the
 * attribute DynamoDB's TTL deletes by); the rest are fixed and documented in the README.
 */
export const ATTRIBUTE = {
  /** 'in_progress' | 'completed' | 'released'. */
  state: 'state',
  fingerprint: 'fingerprint',
  /** The current owner's token. */
  token: 'token',
  /** Grows with every acquisition; survives release and expiry while the item exists. */
  fence: 'fence',
  /** Exact end of the owner's lease, epoch milliseconds (in-progress records only). */
  leaseExpiresAtMs: 'leaseExpiresAtMs',
  /**
   * Exact end of the record, epoch milliseconds. Checked on every read and in every condition,
   * because DynamoDB's TTL deletes expired items late (typically within days).
   */
  expiresAtMs: 'expiresAtMs',
  /** The stored result bytes (possibly compressed). */
  result: 'result',
  /** How `result` is encoded: 'br' (brotli), or absent for the raw bytes. */
  resultEncoding: 'resultEncoding',
} as const;

export const RESERVED_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set(Object.values(ATTRIBUTE));

export const STATE = {
  inProgress: 'in_progress',
  completed: 'completed',
  released: 'released',
} as const;

/** The names a store writes, with the user's choices filled in. */
export interface AttributeNames {
  key: string;
  ttl: string;
}

/**
 * Expression placeholders (`#state` → 'state', ...). Every operation passes only the names it
 * uses: DynamoDB refuses a request that declares a placeholder its expressions do not use.
 */
export function namesFor(
  attributes: AttributeNames,
  placeholders: readonly Placeholder[],
): Record<string, string> {
  const all: Record<Placeholder, string> = {
    '#key': attributes.key,
    '#ttl': attributes.ttl,
    '#state': ATTRIBUTE.state,
    '#fingerprint': ATTRIBUTE.fingerprint,
    '#token': ATTRIBUTE.token,
    '#fence': ATTRIBUTE.fence,
    '#lease': ATTRIBUTE.leaseExpiresAtMs,
    '#expires': ATTRIBUTE.expiresAtMs,
    '#result': ATTRIBUTE.result,
    '#encoding': ATTRIBUTE.resultEncoding,
  };
  const names: Record<string, string> = {};
  for (const placeholder of placeholders) names[placeholder] = all[placeholder];
  return names;
}

export type Placeholder =
  | '#key'
  | '#ttl'
  | '#state'
  | '#fingerprint'
  | '#token'
  | '#fence'
  | '#lease'
  | '#expires'
  | '#result'
  | '#encoding';
