import {
  type AcquireInput,
  type AcquireResult,
  type CompleteInput,
  type ExtendInput,
  type OwnerInput,
  ResultTooLargeError,
  type Store,
  type StoreCapabilities,
  type StoreRecord,
} from '@oncely/core';
import Database from 'better-sqlite3';

/**
 * A small Store on better-sqlite3 for the suite's worker-thread mode: every call is
 * synchronous, so in one thread no two calls ever interleave and only racers in parallel
 * threads can show whether acquire is atomic. `acquire: 'immediate'` decides inside
 * BEGIN IMMEDIATE (correct); `acquire: 'get-then-set'` reads and then writes in two autocommit
 * statements, the bug docs/custom-store.md warns about.
 */

export interface SqliteStoreData {
  path: string;
  acquire: 'immediate' | 'get-then-set';
}

interface Row {
  state: 'in_progress' | 'completed' | 'released';
  fingerprint: string;
  token: string;
  fence: number;
  lease_until: number;
  expires_at: number;
  result: Buffer | null;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS records (
  key BLOB PRIMARY KEY, state TEXT NOT NULL, fingerprint TEXT NOT NULL, token TEXT NOT NULL,
  fence INTEGER NOT NULL, lease_until INTEGER NOT NULL, expires_at INTEGER NOT NULL, result BLOB
) WITHOUT ROWID`;

/** UTF-16 code units as they are: any JavaScript string, lone surrogates included. */
const keyBytes = (key: string) => Buffer.from(key, 'utf16le');

export class SqliteTestStore implements Store {
  readonly capabilities: StoreCapabilities = {
    maxResultBytes: 2 * 1024 * 1024,
    clock: 'caller',
    sharedAcrossInstances: true,
  };
  private readonly db: Database.Database;
  private readonly decide: (input: AcquireInput) => AcquireResult;

  constructor(data: SqliteStoreData) {
    this.db = new Database(data.path, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    const decide = (input: AcquireInput) => this.decideAcquire(input);
    this.decide =
      data.acquire === 'immediate'
        ? (input) => this.db.transaction(decide).immediate(input)
        : decide;
  }

  private row(key: string): Row | undefined {
    return this.db.prepare('SELECT * FROM records WHERE key = ?').get(keyBytes(key)) as
      | Row
      | undefined;
  }

  private view(row: Row, now: number): StoreRecord | undefined {
    if (row.expires_at <= now || row.state === 'released') return undefined;
    if (row.state === 'in_progress') {
      const leaseRemainingMs = Math.max(0, row.lease_until - now);
      return {
        state: 'in_progress',
        fingerprint: row.fingerprint,
        fence: row.fence,
        leaseRemainingMs,
      };
    }
    return {
      state: 'completed',
      fingerprint: row.fingerprint,
      fence: row.fence,
      result: new Uint8Array(row.result ?? new Uint8Array(0)),
      ttlRemainingMs: row.expires_at - now,
    };
  }

  private decideAcquire(input: AcquireInput): AcquireResult {
    const now = Date.now();
    const row = this.row(input.key);
    const live = row && row.expires_at > now ? row : undefined;
    const free =
      !live ||
      live.state === 'released' ||
      (live.state === 'in_progress' &&
        live.lease_until <= now &&
        live.fingerprint === input.fingerprint);
    if (!free) return { acquired: false, record: this.view(live, now) as StoreRecord };
    // A record that is still retained (or released) keeps counting its fences.
    const fence = (live?.fence ?? 0) + 1;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO records (key, state, fingerprint, token, fence, lease_until, expires_at, result)
         VALUES (?, 'in_progress', ?, ?, ?, ?, ?, NULL)`,
      )
      .run(
        keyBytes(input.key),
        input.fingerprint,
        input.token,
        fence,
        now + input.leaseMs,
        now + Math.max(input.ttlMs, input.leaseMs),
      );
    return { acquired: true, fence };
  }

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    return this.decide(input);
  }

  async complete(input: CompleteInput): Promise<boolean> {
    if (input.result.byteLength > this.capabilities.maxResultBytes) {
      throw new ResultTooLargeError(input.result.byteLength, this.capabilities.maxResultBytes);
    }
    const now = Date.now();
    const changed = this.db
      .prepare(
        `UPDATE records SET state = 'completed', result = ?, expires_at = ?
         WHERE key = ? AND token = ? AND fence = ? AND expires_at > ? AND state IN ('in_progress', 'completed')`,
      )
      .run(
        Buffer.from(input.result),
        now + input.ttlMs,
        keyBytes(input.key),
        input.token,
        input.fence,
        now,
      );
    return changed.changes === 1;
  }

  async release(input: OwnerInput): Promise<boolean> {
    const now = Date.now();
    const changed = this.db
      .prepare(
        `UPDATE records SET state = 'released'
         WHERE key = ? AND token = ? AND fence = ? AND expires_at > ? AND state = 'in_progress'`,
      )
      .run(keyBytes(input.key), input.token, input.fence, now);
    return changed.changes === 1;
  }

  async extend(input: ExtendInput): Promise<boolean> {
    const now = Date.now();
    const leaseUntil = now + input.leaseMs;
    const changed = this.db
      .prepare(
        `UPDATE records SET lease_until = ?, expires_at = MAX(expires_at, ?)
         WHERE key = ? AND token = ? AND fence = ? AND expires_at > ? AND state = 'in_progress'`,
      )
      .run(leaseUntil, leaseUntil, keyBytes(input.key), input.token, input.fence, now);
    return changed.changes === 1;
  }

  async get(key: string): Promise<StoreRecord | undefined> {
    const row = this.row(key);
    return row && this.view(row, Date.now());
  }

  async delete(key: string): Promise<void> {
    this.db.prepare('DELETE FROM records WHERE key = ?').run(keyBytes(key));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** The workers module's export, and the main thread's createStore. */
export function createStore(data: SqliteStoreData): Store {
  return new SqliteTestStore(data);
}
