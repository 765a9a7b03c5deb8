/** An in-progress record: held in a map that is never evicted. */
export interface ActiveEntry {
  fingerprint: string;
  token: string;
  fence: number;
  leaseEndsAt: number;
  retainUntil: number;
}

/** A released key: it keeps only the fence the next owner must exceed. */
export interface ReleasedEntry {
  fence: number;
  expiresAt: number;
}

/**
 * What the bounded settled records hold: a completed record, encoded as one string (see
 * completed-record.ts), or a released key.
 */
export type SettledEntry = string | ReleasedEntry;

/**
 * Rough bytes an entry costs: the key at two bytes a character, a completed record's string at
 * one (it is latin1), plus the overhead of the entry and its place in the map.
 */
export function entrySize(key: string, entry: SettledEntry): number {
  const record = typeof entry === 'string' ? entry.length + 16 : 0;
  return key.length * 2 + record + 64;
}
