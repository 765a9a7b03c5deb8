import { entrySize, type SettledEntry } from './entries.js';

export interface SettledBounds {
  maxEntries: number;
  maxBytes: number;
}

/**
 * Completed records and released keys, oldest written first, bounded by count and bytes: past
 * a bound the oldest go. Written order, not read order: a replay does not extend a record's TTL,
 * so reading it buys it no time, and with one TTL the oldest written are the first to expire
 * anyway. It keeps a read a pure read: an LRU rewrites its recency list on every replay, which
 * at a million records measured as the store's largest cost (cache misses on the list's links),
 * and preallocates that list for `maxEntries`. One Map: insertion order is its iteration order.
 */
export class SettledRecords {
  private readonly entries = new Map<string, SettledEntry>();
  private bytes = 0;
  /**
   * Walks from the oldest entry as they are evicted. A Map iterator skips entries deleted
   * behind its back and sees those added after it, so one kept iterator makes each eviction
   * O(1); a fresh `keys()` per eviction would step over every hole the earlier ones left.
   */
  private oldest: IterableIterator<string> | undefined;

  constructor(
    private readonly bounds: SettledBounds,
    /** Told of every entry pushed out by a bound (not of deletes). */
    private readonly onEvict: (entry: SettledEntry) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Bytes the entries take, by `entrySize`. */
  get calculatedSize(): number {
    return this.bytes;
  }

  get(key: string): SettledEntry | undefined {
    return this.entries.get(key);
  }

  /** Adds or replaces an entry as the newest, then evicts the oldest past the bounds. */
  set(key: string, entry: SettledEntry): void {
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += entrySize(key, entry);
    while (
      this.entries.size > this.bounds.maxEntries ||
      (this.bytes > this.bounds.maxBytes && this.entries.size > 1)
    ) {
      this.evictOldest();
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entrySize(key, entry);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.oldest = undefined;
  }

  private evictOldest(): void {
    let next = this.oldest?.next();
    if (next === undefined || next.done) {
      // Run off the end (or never started): every entry now was added after it.
      this.oldest = this.entries.keys();
      next = this.oldest.next();
    }
    if (next.done) return;
    const key = next.value;
    const entry = this.entries.get(key) as SettledEntry;
    this.entries.delete(key);
    this.bytes -= entrySize(key, entry);
    this.onEvict(entry);
  }
}
