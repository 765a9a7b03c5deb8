import { LIBRARIES } from './libraries/catalog.js';
import type { LibraryId } from './libraries/types.js';
import type { BenchResults, TargetFigure, TargetResult, TargetStatus } from './results.js';
import type { HttpRow, KeyMode } from './scenarios/http.js';
import { pairWith } from './scenarios/http.js';
import { formatNumber, formatSpread, paired, type Spread, spread, subtract } from './stats.js';
import type { ScalePoint } from './workers/scale.js';

type Measured = Pick<BenchResults, 'http' | 'accounting' | 'engine' | 'memory' | 'scale'>;

const FRAMEWORKS = ['fastify', 'express'] as const;
const STORES = ['memory', 'redis'] as const;
const MODES: [KeyMode, string][] = [
  ['unique', 'first executions'],
  ['replay', 'replays'],
];
const FRAMEWORK_NAME = { fastify: 'Fastify', express: 'Express' } as const;
const STORE_NAME = { memory: 'memory', redis: 'Redis' } as const;

function find(rows: HttpRow[], library: LibraryId, framework: string, store: string, mode: string) {
  return rows.find(
    (r) =>
      r.library === library && r.framework === framework && r.store === store && r.mode === mode,
  );
}

/** A figure judged on its median: PASS when it clears the bound, NOT MEASURED without data. */
function figure(
  name: string,
  measured: Spread | undefined,
  unit: TargetFigure['unit'],
  bound: TargetFigure['bound'],
): TargetFigure {
  let status: TargetStatus = 'NOT MEASURED';
  if (measured && measured.count > 0) {
    const m = measured.median;
    const clears =
      (bound.atLeast === undefined || m >= bound.atLeast) &&
      (bound.atMost === undefined || m <= bound.atMost);
    status = clears ? 'PASS' : 'MISS';
  }
  return {
    figure: name,
    ...(measured && measured.count > 0 ? { measured } : {}),
    unit,
    bound,
    status,
  };
}

const DIGITS: Record<TargetFigure['unit'], number> = { '×': 2, µs: 1, 'round trips': 2, bytes: 0 };

export function formatBound(f: TargetFigure): string {
  const unit = f.unit === '×' ? '×' : ` ${f.unit}`;
  const value = (v: number) => `${formatNumber(v, DIGITS[f.unit])}${unit}`;
  if (f.bound.atLeast !== undefined && f.bound.atMost !== undefined) {
    return `${value(f.bound.atLeast)}–${value(f.bound.atMost)}`;
  }
  return f.bound.atLeast !== undefined
    ? `≥ ${value(f.bound.atLeast)}`
    : `≤ ${value(f.bound.atMost as number)}`;
}

export function formatMeasured(f: TargetFigure): string {
  if (!f.measured) return 'not measured';
  return formatSpread(f.measured, DIGITS[f.unit], f.unit === '×' ? '×' : ` ${f.unit}`);
}

/** The target's status from its figures, and a one-line account of them. */
function judged(target: string, figures: TargetFigure[], note = ''): TargetResult {
  const statuses = figures.map((f) => f.status);
  const status: TargetStatus = statuses.includes('MISS')
    ? 'MISS'
    : statuses.includes('NOT MEASURED') || statuses.length === 0
      ? 'NOT MEASURED'
      : 'PASS';
  const count = (s: TargetStatus) => statuses.filter((x) => x === s).length;
  const detail = [
    `${count('PASS')} of ${figures.length} figures clear their target on the median`,
    count('NOT MEASURED') ? `${count('NOT MEASURED')} not measured in this run` : '',
    count('MISS') ? `${count('MISS')} miss` : '',
    note,
  ]
    .filter(Boolean)
    .join('; ');
  return { target, status, detail, figures };
}

/** Issue 20's targets, judged from this run's figures (each figure's median over rounds). */
export function judgeTargets(results: Measured): TargetResult[] {
  return [
    aheadOfPeers(results),
    addedCpuOverBare(results),
    redisCost(results),
    memoryAtScale(results),
    setupCheck(results),
  ];
}

/** Peers measured over HTTP on this framework and store, besides node-idempotency. */
function otherPeers(framework: 'express' | 'fastify', store: 'memory' | 'redis'): LibraryId[] {
  return LIBRARIES.filter(
    (entry) =>
      entry.id !== 'oncely' &&
      entry.id !== 'node-idempotency' &&
      entry.id !== 'baseline' &&
      entry.http[framework]?.includes(store),
  ).map((entry) => entry.id);
}

function aheadOfPeers({ http }: Measured): TargetResult {
  const figures: TargetFigure[] = [];
  for (const framework of FRAMEWORKS) {
    for (const store of STORES) {
      for (const [mode, modeName] of MODES) {
        const where = `${FRAMEWORK_NAME[framework]}, ${STORE_NAME[store]}, ${modeName}`;
        const oncely = find(http, 'oncely', framework, store, mode);
        const peer =
          oncely && pairWith(oncely, find(http, 'node-idempotency', framework, store, mode));
        figures.push(
          figure(`${where}: req/s oncely ÷ node-idempotency`, peer?.rate, '×', { atLeast: 1 }),
          figure(`${where}: p99 oncely ÷ node-idempotency`, peer?.p99, '×', { atMost: 1 }),
        );
        for (const other of otherPeers(framework, store)) {
          const paired = oncely && pairWith(oncely, find(http, other, framework, store, mode));
          figures.push(
            figure(`${where}: req/s oncely ÷ ${other}`, paired?.rate, '×', { atLeast: 1 }),
          );
        }
      }
    }
  }
  return judged(
    '1. Fastify and Express × memory and Redis × first executions and replays: oncely’s req/s at least node-idempotency’s (paired per round), p99 no worse; ahead of Powertools and express-idempotency where they run',
    figures,
  );
}

function addedCpuOverBare({ http }: Measured): TargetResult {
  const figures = MODES.map(([mode, modeName]) =>
    figure(
      `Fastify, memory, ${modeName}: oncely server CPU − bare handler’s, per request`,
      find(http, 'oncely', 'fastify', 'memory', mode)?.figures.addedCpuOverBareMicros,
      'µs',
      { atMost: mode === 'unique' ? 25 : 8 },
    ),
  );
  return judged(
    '2. Fastify + memory: added server CPU over bare ≤ 25 µs per first execution and ≤ 8 µs per replay',
    figures,
  );
}

function redisCost({ http, engine, accounting }: Measured): TargetResult {
  const figures: TargetFigure[] = [];
  for (const framework of FRAMEWORKS) {
    for (const [mode, modeName] of MODES) {
      figures.push(
        figure(
          `${FRAMEWORK_NAME[framework]}, ${modeName}: Redis server CPU per request (oncely)`,
          find(http, 'oncely', framework, 'redis', mode)?.figures.redisCpuMicrosPerRequest,
          'µs',
          { atMost: mode === 'unique' ? 12 : 4 },
        ),
      );
    }
  }
  // The client's side: what talking to Redis adds to the process that runs oncely, with no
  // framework in the way: engine CPU per first execution on Redis minus on the memory store,
  // paired per round.
  const engineCpu = (store: string) =>
    engine
      .find((r) => r.library === 'oncely' && r.store === store)
      ?.runs.map((r) => r.first.cpuMicrosPerOp);
  const onRedis = engineCpu('redis');
  const onMemory = engineCpu('memory');
  figures.push(
    figure(
      'client CPU per first execution (engine process on Redis − on the memory store)',
      onRedis && onMemory ? paired(onRedis, onMemory, subtract) : undefined,
      'µs',
      { atMost: 20 },
    ),
  );
  const trips = accounting.find((row) => row.library === 'oncely');
  figures.push(
    figure(
      'round trips per first execution',
      trips && spread([trips.first.roundTripsPerRequest]),
      'round trips',
      { atMost: 2 },
    ),
    figure(
      'round trips per replay',
      trips && spread([trips.replay.roundTripsPerRequest]),
      'round trips',
      { atMost: 1 },
    ),
  );
  return judged(
    '3. Redis: Redis server CPU ≤ 12 µs per first execution and ≤ 4 µs per replay; client CPU ≤ 20 µs per first execution; round trips 2 / 1',
    figures,
  );
}

/**
 * ops/s at `large` ÷ at `small`. Steps measured in turns pair their blocks round by round (the
 * median and range of the paired ratios). Otherwise median ÷ median, with a range that pairs
 * the slowest block of one step with the fastest of the other, as wide as the spreads allow.
 */
export function stepRatio(small: ScalePoint, large: ScalePoint, phase: 'first' | 'replay'): Spread {
  const smallBlocks = small[phase === 'first' ? 'firstBlocks' : 'replayBlocks'];
  const largeBlocks = large[phase === 'first' ? 'firstBlocks' : 'replayBlocks'];
  if (smallBlocks && largeBlocks && smallBlocks.length === largeBlocks.length) {
    return spread(largeBlocks.map((rate, i) => rate / (smallBlocks[i] as number)));
  }
  return {
    median: large[phase].median / small[phase].median,
    min: large[phase].min / small[phase].max,
    max: large[phase].max / small[phase].min,
    count: Math.min(large[phase].count, small[phase].count),
  };
}

function memoryAtScale({ scale, memory }: Measured): TargetResult {
  const figures: TargetFigure[] = [];
  const row = scale.find((r) => r.library === 'oncely' && r.store === 'memory');
  const small = row?.points.find((p) => p.records === 1_000);
  const large = row?.points.find((p) => p.records === 1_000_000);
  for (const [phase, name] of [
    ['first', 'first executions'],
    ['replay', 'replays'],
  ] as const) {
    const ratio = small && large ? stepRatio(small, large, phase) : undefined;
    figures.push(
      figure(`memory store, ${name}: ops/s at 1e6 records ÷ at 1e3`, ratio, '×', { atLeast: 0.9 }),
    );
  }
  const oncely = memory.find((r) => r.library === 'oncely');
  const peer = memory.find((r) => r.library === 'node-idempotency');
  figures.push(
    figure(
      `memory store: bytes per record (node-idempotency: ${peer ? formatNumber(peer.bytesPerRecord) : 'not measured'})`,
      oncely && peer ? spread([oncely.bytesPerRecord]) : undefined,
      'bytes',
      { atMost: peer?.bytesPerRecord ?? Number.NaN },
    ),
  );
  return judged(
    '4. Memory store at 1e6 records: ≥ 0.90× of its own throughput at 1e3 for first executions and replays; bytes per record ≤ node-idempotency’s',
    figures,
    large || !row
      ? ''
      : `the scale run stopped at ${formatNumber(row.points.at(-1)?.records)} records`,
  );
}

function setupCheck({ http, accounting }: Measured): TargetResult {
  const problems: string[] = [];
  for (const row of http) {
    const name = `${row.library}/${row.framework}/${row.store}/${row.mode}`;
    if (row.figures.errors > 0) problems.push(`${name}: ${row.figures.errors} errors`);
    if (
      row.library !== 'baseline' &&
      row.mode === 'replay' &&
      row.rounds.some((r) => r.executions > 0)
    ) {
      problems.push(`${name}: the handler ran on replays`);
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
  const measured = http.length > 0 || accounting.length > 0;
  return {
    target:
      'Check: no library is misconfigured to look slow (each set up as its README recommends)',
    status: !measured ? 'NOT MEASURED' : problems.length === 0 ? 'PASS' : 'MISS',
    detail: !measured
      ? 'no HTTP or accounting measurement in this run'
      : problems.length === 0
        ? 'every library answered without errors, ran the handler once per new key and never on a replay (counted in the server)'
        : problems.join('; '),
    figures: [],
  };
}
