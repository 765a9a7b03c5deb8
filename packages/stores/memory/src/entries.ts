/** An in-progress record: held in a map that is never evicted. */
export interface ActiveEntry {
  fingerprint: string;
  token: string;
  fence: number;
  leaseEndsAt: number;
  retainUntil: number;
}

/** A completed record or a released key: held in the bounded LRU. */
export type SettledEntry =
  | {
      state: 'completed';
      fingerprint: string;
      token: string;
      fence: number;
      /** The result's bytes, one latin1 character per byte (see memory-store.ts). */
      result: string;
      expiresAt: number;
    }
  | { state: 'released'; fence: number; expiresAt: number };

/**
 * Rough bytes an entry costs: key and fingerprint at two bytes a character, the latin1 result
 * at one, plus object overhead.
 */
export function entrySize(key: string, entry: SettledEntry): number {
  const result =
    entry.state === 'completed' ? entry.result.length + entry.fingerprint.length * 2 + 72 : 0;
  return key.length * 2 + result + 64;
}
