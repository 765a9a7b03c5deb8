/** What every scenario reports, printed by the tests and the full-scale script alike. */
export interface Figures {
  scenario: string;
  store: string;
  /** Worker processes serving the key space. */
  workers: number;
  keys: number;
  /** Logical requests (each retried until it succeeded). */
  requests: number;
  /** HTTP attempts: retries and re-sends included. */
  attempts: number;
  /** Handler executions (lines in the side-effect ledger). */
  executions: number;
  /** Keys whose handler ran more than once. */
  duplicates: number;
  /** Completions the store acknowledged that a later request did not replay byte for byte. */
  lostCompletions: number;
  /** Answers by status code; `network` = refused/reset, `hung` = no answer in time. */
  byStatus: Record<string, number>;
  /** The slowest HTTP attempt; undefined where the scenario does not time its requests. */
  maxLatencyMs: number | undefined;
  durationMs: number;
  /** Scenario-specific counts. */
  notes: Record<string, number | string>;
  /** Every broken promise found; the scenario fails unless this is empty. */
  failures: string[];
}

export function formatFigures(figures: Figures): string {
  const statuses = Object.entries(figures.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  const lines = [
    `[${figures.store}] ${figures.scenario}`,
    `  workers ${figures.workers}, keys ${figures.keys}, requests ${figures.requests}, attempts ${figures.attempts}`,
    `  executions ${figures.executions}, duplicates ${figures.duplicates}, lost completions ${figures.lostCompletions}`,
    `  answers ${statuses || 'none'}`,
    `  max latency ${figures.maxLatencyMs === undefined ? 'n/a' : `${Math.round(figures.maxLatencyMs)} ms`}, duration ${(figures.durationMs / 1000).toFixed(1)} s`,
  ];
  const notes = Object.entries(figures.notes);
  if (notes.length > 0)
    lines.push(`  ${notes.map(([name, value]) => `${name} ${value}`).join(', ')}`);
  lines.push(
    figures.failures.length === 0
      ? '  OK'
      : `  FAILED:\n${figures.failures.map((f) => `    - ${f}`).join('\n')}`,
  );
  return lines.join('\n');
}
