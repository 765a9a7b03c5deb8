import { CALIBRATION_MICROSECONDS } from './http/calibration.js';
import type { BenchResults, TargetResult } from './results.js';
import type { HttpRow } from './scenarios/http.js';
import { formatRatio, ratio } from './stats.js';

type Measured = Pick<BenchResults, 'http' | 'accounting' | 'engine'>;

function find(rows: HttpRow[], library: string, framework: string, store: string, mode: string) {
  return rows.find(
    (r) =>
      r.library === library && r.framework === framework && r.store === store && r.mode === mode,
  );
}

const points = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)} points`;

/** The targets, judged from this run's figures. */
export function judgeTargets(results: Measured): TargetResult[] {
  return [
    memoryOverFastify(results),
    roundTrips(results),
    redisThroughput(results),
    setup(results),
  ];
}

function memoryOverFastify({ http }: Measured): TargetResult {
  const target =
    'Memory store over Fastify: at least 90% of the bare handler’s requests per second';
  const parts: string[] = [];
  let pass = true;
  for (const mode of ['unique', 'replay'] as const) {
    const oncely = find(http, 'oncely', 'fastify', 'memory', mode);
    const bare = find(http, 'baseline', 'fastify', 'memory', mode);
    if (!oncely || !bare) {
      return {
        target,
        status: 'NOT MEASURED',
        detail: 'no oncely Fastify measurement in this run',
      };
    }
    const value = ratio(oncely.figures.requestsPerSecond, bare.figures.requestsPerSecond);
    pass &&= value >= 0.9;
    parts.push(
      `${mode === 'unique' ? 'first executions' : 'replays'} ${formatRatio(value)} of bare (${points(value - 0.9)} vs 0.90×)`,
    );
  }
  // What 90% allows here: the bare handler with a fixed amount of added CPU, same run.
  const calibration = find(http, 'calibration', 'fastify', 'memory', 'unique');
  const bare = find(http, 'baseline', 'fastify', 'memory', 'unique');
  if (calibration && bare) {
    const value = ratio(calibration.figures.requestsPerSecond, bare.figures.requestsPerSecond);
    parts.push(
      `for scale: the bare handler with ${CALIBRATION_MICROSECONDS} µs of added CPU per request measures ${formatRatio(value)}`,
    );
  }
  return { target, status: pass ? 'PASS' : 'MISS', detail: parts.join('; ') };
}

function roundTrips({ accounting }: Measured): TargetResult {
  const target = 'Redis: exactly 2 round trips for a first execution and 1 for a replay';
  const oncely = accounting.find((row) => row.library === 'oncely');
  if (!oncely) return { target, status: 'NOT MEASURED', detail: 'no oncely Redis accounting' };
  const first = oncely.first.roundTripsPerRequest;
  const replay = oncely.replay.roundTripsPerRequest;
  const others = accounting
    .filter((row) => row.library !== 'oncely')
    .map(
      (row) =>
        `${row.library} ${row.first.roundTripsPerRequest}/${row.replay.roundTripsPerRequest}`,
    )
    .join(', ');
  return {
    target,
    status: first === 2 && replay === 1 ? 'PASS' : 'MISS',
    detail: `oncely ${first} first / ${replay} replay (counted by the server over ${oncely.requests} requests each; others: ${others})`,
  };
}

function redisThroughput({ http, engine }: Measured): TargetResult {
  const target = 'Redis: requests per second ahead of every other library on the same Redis';
  const parts: string[] = [];
  let pass = true;
  let any = false;
  for (const framework of ['express', 'fastify'] as const) {
    for (const mode of ['unique', 'replay'] as const) {
      const oncely = find(http, 'oncely', framework, 'redis', mode);
      if (!oncely) continue;
      const others = http.filter(
        (r) =>
          r.store === 'redis' &&
          r.framework === framework &&
          r.mode === mode &&
          r.library !== 'oncely',
      );
      if (others.length === 0) continue;
      any = true;
      const best = others.reduce((a, b) =>
        a.figures.requestsPerSecond >= b.figures.requestsPerSecond ? a : b,
      );
      const value = ratio(oncely.figures.requestsPerSecond, best.figures.requestsPerSecond);
      pass &&= value > 1;
      parts.push(
        `${framework} ${mode === 'unique' ? 'first' : 'replay'}: ${formatRatio(value)} of the best other (${best.library})`,
      );
    }
  }
  if (!any) {
    // Without HTTP bindings, judge on the engine level and say so.
    for (const phase of ['first', 'replay'] as const) {
      const oncely = engine.find((r) => r.library === 'oncely' && r.store === 'redis');
      const others = engine.filter((r) => r.store === 'redis' && r.library !== 'oncely');
      if (!oncely || others.length === 0) continue;
      any = true;
      const best = others.reduce((a, b) =>
        a[phase].opsPerSecond >= b[phase].opsPerSecond ? a : b,
      );
      const value = ratio(oncely[phase].opsPerSecond, best[phase].opsPerSecond);
      pass &&= value > 1;
      parts.push(`engine ${phase}: ${formatRatio(value)} of the best other (${best.library})`);
    }
    if (any) parts.unshift('(engine level only: no oncely HTTP measurement in this run)');
  }
  if (!any) return { target, status: 'NOT MEASURED', detail: 'no oncely Redis measurement' };
  return { target, status: pass ? 'PASS' : 'MISS', detail: parts.join('; ') };
}

function setup({ http, accounting }: Measured): TargetResult {
  const target = 'No library is misconfigured to look slow (each set up as its README recommends)';
  const problems: string[] = [];
  for (const row of http) {
    if (row.figures.errors > 0) {
      problems.push(
        `${row.library}/${row.framework}/${row.store}/${row.mode}: ${row.figures.errors} errors`,
      );
    }
    if (
      row.library !== 'baseline' &&
      row.library !== 'calibration' &&
      row.mode === 'replay' &&
      row.runs.some((r) => r.executions > 0)
    ) {
      problems.push(`${row.library}/${row.framework}/${row.store}: the handler ran on replays`);
    }
  }
  for (const row of accounting) {
    if (row.first.executions !== undefined && row.first.executions !== row.requests) {
      problems.push(
        `${row.library}: ${row.first.executions} executions for ${row.requests} first requests`,
      );
    }
    if (row.replay.executions !== undefined && row.replay.executions !== 0) {
      problems.push(`${row.library}: ${row.replay.executions} executions on replays`);
    }
  }
  return {
    target,
    status: problems.length === 0 ? 'PASS' : 'MISS',
    detail:
      problems.length === 0
        ? 'setups in the configuration table below; every library answered without errors, ran the handler once per new key and never on a replay (counted in the server)'
        : problems.join('; '),
  };
}
