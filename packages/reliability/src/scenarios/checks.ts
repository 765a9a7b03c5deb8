import { hashKey, namespacedKey, type StoreRecord } from '@oncely/core';
import type { Backend } from '../backends.js';
import type { LedgerSummary } from '../ledger.js';
import type { LoadReport } from '../load.js';
import { openStore } from '../store-config.js';
import { ENGINE_PREFIX, type WorkerMessage } from '../worker-config.js';

export const keyHashOf = (key: string): string => hashKey(namespacedKey(ENGINE_PREFIX, '', key));

export interface RecordCheck {
  /** Keys whose single execution left a completed record. */
  completed: string[];
  /** Keys whose handler ran but whose record is still in progress (completion not stored). */
  inProgress: string[];
  /** Executions with no record of their fence or a later one: a handler ran without a record. */
  unrecorded: string[];
}

/**
 * Side effects against records: every execution in the ledger must have a record in the store
 * with its fence (or a later owner's). A handler that ran with no record would show up here.
 */
export async function checkRecords(
  backend: Backend,
  executed: LedgerSummary,
): Promise<RecordCheck> {
  const { store, close } = openStore(backend.config);
  const check: RecordCheck = { completed: [], inProgress: [], unrecorded: [] };
  try {
    const keys = [...executed.byKey.keys()];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < keys.length) {
          const key = keys[next++] as string;
          const runs = executed.byKey.get(key) ?? [];
          const record: StoreRecord | undefined = await store.get(
            namespacedKey(ENGINE_PREFIX, '', key),
          );
          const highest = Math.max(...runs.map((run) => run.f));
          if (!record || record.fence < highest) check.unrecorded.push(key);
          else if (record.state === 'completed') check.completed.push(key);
          else check.inProgress.push(key);
        }
      }),
    );
  } finally {
    await close();
  }
  return check;
}

/** Key hashes for which a worker reported an event of `type` (and `operation`, if given). */
export function reported(
  messages: readonly WorkerMessage[],
  type: string,
  operation?: string,
): Set<string> {
  const hashes = new Set<string>();
  for (const message of messages) {
    if (message.type !== 'event' || message.event !== type) continue;
    if (operation !== undefined && message.operation !== operation) continue;
    hashes.add(message.keyHash);
  }
  return hashes;
}

export interface DuplicateCheck {
  /**
   * Keys run again after an earlier run's completion could not be stored: the engine reported
   * the failed `complete` (store_error) and no `completed` for that run, its lease lapsed, and
   * a retry took the key over. The documented limit of a store that fails after the handler ran.
   */
  afterUnstoredCompletion: string[];
  /** Any other second run: a broken promise. */
  unexplained: string[];
}

/** Sort keys that ran more than once into the documented case and everything else. */
export function classifyDuplicates(
  executed: LedgerSummary,
  messages: readonly WorkerMessage[],
): DuplicateCheck {
  const failedCompletes = new Set<string>();
  const completions = new Set<string>();
  for (const message of messages) {
    if (message.type !== 'event') continue;
    const id = `${message.keyHash}/${message.fence}`;
    if (message.event === 'completed') completions.add(id);
  }
  for (const message of messages) {
    if (message.type !== 'event' || message.event !== 'store_error') continue;
    if (message.operation === 'complete') failedCompletes.add(message.keyHash);
  }
  const check: DuplicateCheck = { afterUnstoredCompletion: [], unexplained: [] };
  for (const key of executed.duplicated) {
    const hash = keyHashOf(key);
    const runs = [...(executed.byKey.get(key) ?? [])].sort((a, b) => a.f - b.f);
    // Every run but the last must have failed to store its result, and must not have stored it.
    const earlier = runs.slice(0, -1);
    const explained =
      failedCompletes.has(hash) && earlier.every((run) => !completions.has(`${hash}/${run.f}`));
    (explained ? check.afterUnstoredCompletion : check.unexplained).push(key);
  }
  return check;
}

/**
 * What a scenario that takes the store away demands of the answers: some requests failed
 * closed with 503, every 409/503 carried Retry-After, no other status, none hung, and every
 * request succeeded in the end.
 */
export function failClosedFailures(report: LoadReport): string[] {
  const failures: string[] = [];
  if ((report.byStatus['503'] ?? 0) === 0) failures.push('no request failed closed with 503');
  if (report.missingRetryAfter > 0)
    failures.push(`${report.missingRetryAfter} 409/503 answers without Retry-After`);
  if (report.unexpected.length > 0)
    failures.push(`unexpected answers: ${report.unexpected.join('; ')}`);
  if ((report.byStatus.hung ?? 0) > 0) failures.push(`${report.byStatus.hung} attempts hung`);
  if (report.gaveUp.length > 0) failures.push(`${report.gaveUp.length} requests never succeeded`);
  return failures;
}

/**
 * Second runs and byte differences. A key whose first run could not store its result (the
 * store failed after the handler ran) may run again once its lease lapses: documented,
 * counted, and its client saw the first run's answer, so its bytes differ too. Any other
 * second run or byte difference fails.
 */
export function duplicateFailures(
  executed: LedgerSummary,
  messages: readonly WorkerMessage[],
  report: LoadReport,
): { failures: string[]; duplicates: DuplicateCheck } {
  const failures: string[] = [];
  const duplicates = classifyDuplicates(executed, messages);
  const rerun = new Set(duplicates.afterUnstoredCompletion);
  const mismatched = report.mismatched.filter((key) => !rerun.has(key));
  if (mismatched.length > 0)
    failures.push(`different bytes for one key: ${mismatched.slice(0, 5).join(', ')}`);
  if (duplicates.unexplained.length > 0)
    failures.push(`handlers ran twice for ${duplicates.unexplained.slice(0, 5).join(', ')}`);
  return { failures, duplicates };
}
