import type { BenchContext, HttpCase } from '../context.js';
import {
  type HttpCaseRound,
  type HttpSample,
  type KeyMode,
  measureCase,
} from '../http/measure-case.js';
import { LIBRARIES } from '../libraries/catalog.js';
import type { LibraryId } from '../libraries/types.js';
import { inRounds } from '../rounds.js';
import { divide, paired, type Spread, spread, subtract } from '../stats.js';

export type { KeyMode };

export interface HttpFigures {
  requestsPerSecond: Spread;
  latencyP50Ms: Spread;
  latencyP99Ms: Spread;
  /** Server process CPU µs per request (on Redis: the Redis client's process). */
  serverCpuMicrosPerRequest: Spread;
  /** Dedicated Redis server's CPU µs per request (Redis cases on a dedicated server). */
  redisCpuMicrosPerRequest?: Spread;
  /** Non-2xx answers, connection errors and timeouts, over every round. */
  errors: number;
  /** req/s ÷ the bare handler's (same framework, same key mode), round by round. */
  vsBare?: Spread;
  /** req/s ÷ @node-idempotency/core's (same framework, store and key mode), round by round. */
  vsNodeIdempotency?: Spread;
  /** req/s ÷ oncely's (same framework, store and key mode), round by round. */
  vsOncely?: Spread;
  /** p99 latency ÷ @node-idempotency/core's, round by round (below 1: better). */
  p99VsNodeIdempotency?: Spread;
  /** Server CPU µs per request minus the bare handler's, round by round. */
  addedCpuOverBareMicros?: Spread;
  /** Server CPU µs per request minus oncely alone's, round by round (telemetry scenario). */
  addedCpuOverOncelyMicros?: Spread;
}

export interface HttpRow extends HttpCase {
  mode: KeyMode;
  figures: HttpFigures;
  /** The measured window of each round (index = round). */
  rounds: HttpSample[];
}

export function httpCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  for (const framework of ['express', 'fastify'] as const) {
    for (const store of ['memory', 'redis'] as const) {
      for (const entry of LIBRARIES) {
        if (entry.http[framework]?.includes(store)) {
          cases.push({ library: entry.id, framework, store });
        }
      }
    }
  }
  return cases;
}

export const caseName = ({ library, framework, store }: HttpCase) =>
  `${library}/${framework}/${store}`;

/** Rows of every case and key mode from per-round measurements; ratios not yet paired. */
export function httpRows(cases: HttpCase[], byCase: Map<string, HttpCaseRound[]>): HttpRow[] {
  const rows: HttpRow[] = [];
  for (const testCase of cases) {
    const measured = byCase.get(caseName(testCase)) ?? [];
    for (const mode of ['unique', 'replay'] as const) {
      const rounds = measured.map((round) => round[mode]);
      const redis = rounds.map((r) => r.redisCpuMicrosPerRequest ?? Number.NaN);
      rows.push({
        ...testCase,
        mode,
        rounds,
        figures: {
          requestsPerSecond: spread(rounds.map((r) => r.requestsPerSecond)),
          latencyP50Ms: spread(rounds.map((r) => r.latencyP50Ms)),
          latencyP99Ms: spread(rounds.map((r) => r.latencyP99Ms)),
          serverCpuMicrosPerRequest: spread(rounds.map((r) => r.serverCpuMicrosPerRequest)),
          ...(redis.some(Number.isFinite) ? { redisCpuMicrosPerRequest: spread(redis) } : {}),
          errors: rounds.reduce((sum, r) => sum + r.errors, 0),
        },
      });
    }
  }
  return rows;
}

/**
 * Pair each row with a reference measured in the same rounds: ratio of req/s per round, and the
 * server CPU difference per round. `reference` finds the row to compare with (or none).
 */
export function pairWith(
  row: HttpRow,
  reference: HttpRow | undefined,
): { rate: Spread; p99: Spread; addedCpu: Spread } | undefined {
  if (!reference || reference === row) return undefined;
  const of = (r: HttpRow, pick: (s: HttpSample) => number) => r.rounds.map(pick);
  return {
    rate: paired(
      of(row, (s) => s.requestsPerSecond),
      of(reference, (s) => s.requestsPerSecond),
      divide,
    ),
    p99: paired(
      of(row, (s) => s.latencyP99Ms),
      of(reference, (s) => s.latencyP99Ms),
      divide,
    ),
    addedCpu: paired(
      of(row, (s) => s.serverCpuMicrosPerRequest),
      of(reference, (s) => s.serverCpuMicrosPerRequest),
      subtract,
    ),
  };
}

function findRow(
  rows: HttpRow[],
  library: LibraryId,
  row: HttpRow,
  anyStore = false,
): HttpRow | undefined {
  return rows.find(
    (r) =>
      r.library === library &&
      r.framework === row.framework &&
      r.mode === row.mode &&
      (anyStore || r.store === row.store),
  );
}

/**
 * Scenario 2: a real server per library (its own process, 127.0.0.1, pinned to its own CPU
 * when the run is pinned) under autocannon from this process. Every case once per round, in
 * an order that changes per round; every ratio pairs the figures of one round.
 * The server counts how often the business logic ran, so a library that "replays" by running
 * the handler again would show it.
 */
export async function httpScenario(
  context: BenchContext,
): Promise<{ rows: HttpRow[]; orders: string[][] }> {
  const cases = httpCases();
  const { byCase, orders } = await inRounds(
    cases,
    context.options.rounds,
    caseName,
    async (testCase, round) => {
      const result = await measureCase(context, testCase, round);
      context.log(
        `http round ${round + 1} ${caseName(testCase)}: unique ${Math.round(result.unique.requestsPerSecond)} req/s ${result.unique.serverCpuMicrosPerRequest.toFixed(0)} µs/req (${result.unique.errors} errors), replay ${Math.round(result.replay.requestsPerSecond)} req/s ${result.replay.serverCpuMicrosPerRequest.toFixed(0)} µs/req (${result.replay.errors} errors)`,
      );
      return result;
    },
  );
  const rows = httpRows(cases, byCase);
  for (const row of rows) {
    const bare = pairWith(row, findRow(rows, 'baseline', row, true));
    const peer =
      row.library === 'baseline'
        ? undefined
        : pairWith(row, findRow(rows, 'node-idempotency', row));
    const oncely = pairWith(row, findRow(rows, 'oncely', row));
    if (bare) {
      row.figures.vsBare = bare.rate;
      row.figures.addedCpuOverBareMicros = bare.addedCpu;
    }
    if (peer) {
      row.figures.vsNodeIdempotency = peer.rate;
      row.figures.p99VsNodeIdempotency = peer.p99;
    }
    if (oncely) row.figures.vsOncely = oncely.rate;
  }
  return { rows, orders };
}
