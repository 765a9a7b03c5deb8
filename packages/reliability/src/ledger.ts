import { readFile, writeFile } from 'node:fs/promises';
import type { LedgerEntry } from './worker-config.js';

export interface LedgerSummary {
  /** Lines written: one per execution of the handler. */
  executions: number;
  /** Every execution, by key, in the order written. */
  byKey: Map<string, LedgerEntry[]>;
  /** Keys executed more than once. */
  duplicated: string[];
}

export async function createLedger(path: string): Promise<void> {
  await writeFile(path, '');
}

export async function readLedger(path: string): Promise<LedgerSummary> {
  const text = await readFile(path, 'utf8');
  const byKey = new Map<string, LedgerEntry[]>();
  let executions = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const entry = JSON.parse(line) as LedgerEntry;
    executions++;
    const list = byKey.get(entry.k);
    if (list) list.push(entry);
    else byKey.set(entry.k, [entry]);
  }
  const duplicated = [...byKey].filter(([, list]) => list.length > 1).map(([key]) => key);
  return { executions, byKey, duplicated };
}
