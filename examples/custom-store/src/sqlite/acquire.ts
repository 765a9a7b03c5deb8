import type { AcquireInput, AcquireResult } from '@oncely/core';
import type { Database } from 'better-sqlite3';
import { type RecordRow, toStoreRecord } from './record.js';
import type { Statements } from './statements.js';
import { codeUnits } from './text.js';

/**
 * Acquire in one BEGIN IMMEDIATE transaction: the conditional write decides, and the read
 * after it gives the winner its fence or the loser the record, with no other writer in
 * between. IMMEDIATE takes SQLite's one write lock at BEGIN, so a second acquirer waits there
 * (up to the connection's busy timeout). A deferred BEGIN would take it only at the first
 * write, and a transaction that must upgrade from reading after another connection committed
 * fails at once with SQLITE_BUSY instead of waiting.
 */
export function acquire(
  database: Database,
  statements: Statements,
  input: AcquireInput,
): AcquireResult {
  const decide = database.transaction((): AcquireResult => {
    const key = codeUnits(input.key);
    const taken = statements.take.run({
      key,
      fingerprint: codeUnits(input.fingerprint),
      token: input.token,
      leaseMs: input.leaseMs,
      // Retained at least as long as the lease, so a live lease always has its record.
      retainMs: Math.max(input.ttlMs, input.leaseMs),
    });
    const row = statements.record.get(key) as RecordRow | undefined;
    if (!row) throw new Error('the row this transaction wrote or read is missing');
    const record = toStoreRecord(row);
    return taken.changes === 1
      ? { acquired: true, fence: record.fence }
      : { acquired: false, record };
  });
  return decide.immediate();
}
