import { type BenchContext, type HttpCase, storeTarget } from '../context.js';
import { type LoadResult, load, postOrder } from '../http/load.js';
import { ServerProcess } from '../http/server-process.js';
import { LIBRARIES } from '../libraries/catalog.js';
import { deleteByPrefix, serverCpuSeconds } from '../redis/admin.js';
import { median } from '../stats.js';

export type KeyMode = 'unique' | 'replay';

export interface HttpFigures {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  /**
   * CPU the Redis server spent per request (µs), for Redis measurements on a dedicated server
   * (nothing else uses it): on a small machine the server shares the cores with the load.
   */
  redisCpuMicrosPerRequest?: number;
}

/** One load run, and the Redis server's CPU per request during it where that was measured. */
type MeasuredLoad = LoadResult & { redisCpuMicrosPerRequest?: number };

export interface HttpRow extends HttpCase {
  mode: KeyMode;
  figures: HttpFigures;
  runs: (MeasuredLoad & { executions: number })[];
}

/** Keys whose first result is stored before the replay load cycles over them. */
const REPLAY_KEYS = 50;

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

/**
 * Scenario 2: a real server per library (its own process, 127.0.0.1) under autocannon from
 * this process. Unique keys: every request carries a fresh Idempotency-Key (first executions).
 * Repeated keys: a few keys are stored first, then every request replays one of them.
 * The server counts how often the business logic ran, so a library that "replays" by running
 * the handler again would show it.
 */
export async function httpScenario(context: BenchContext): Promise<HttpRow[]> {
  const cases = httpCases();
  const results = new Map<string, HttpRow['runs']>();
  const { httpSeconds, connections, runs } = context.options;
  for (let run = 1; run <= runs; run++) {
    for (const testCase of cases) {
      const { library, framework, store } = testCase;
      const target = storeTarget(context, store, 'http', run, library, framework);
      const server = await ServerProcess.start({ library, framework, target });
      try {
        let counter = 0;
        const fresh = () => `${target.prefix}:k:${counter++}`;
        // The Redis server's CPU over one load, where only this run uses that server.
        const measured = async (run: () => Promise<LoadResult>): Promise<MeasuredLoad> => {
          if (store !== 'redis' || !context.redis.dedicated) return run();
          const before = await serverCpuSeconds(context.admin);
          const result = await run();
          const used = (await serverCpuSeconds(context.admin)) - before;
          return { ...result, redisCpuMicrosPerRequest: (used * 1e6) / result.requests };
        };
        // Warm-up: the JIT, the connections, the store.
        await load({
          port: server.port,
          seconds: 0.5,
          connections,
          nextKey: fresh,
        });
        const before = await server.executions();
        const unique = await measured(() =>
          load({ port: server.port, seconds: httpSeconds, connections, nextKey: fresh }),
        );
        const afterUnique = await server.executions();

        const replayKeys = Array.from({ length: REPLAY_KEYS }, (_, i) => `${target.prefix}:r:${i}`);
        for (const key of replayKeys) {
          const status = await postOrder(server.port, key);
          if (status !== 201)
            throw new Error(`${library}/${framework}/${store}: seeding got ${status}`);
        }
        // Libraries that store after answering need a moment before their records are complete.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const seeded = await server.executions();
        let next = 0;
        const replay = await measured(() =>
          load({
            port: server.port,
            seconds: httpSeconds,
            connections,
            nextKey: () => replayKeys[next++ % REPLAY_KEYS] as string,
          }),
        );
        const afterReplay = await server.executions();
        const add = (mode: KeyMode, result: MeasuredLoad, executions: number) => {
          const key = `${library}/${framework}/${store}/${mode}`;
          results.set(key, [...(results.get(key) ?? []), { ...result, executions }]);
        };
        add('unique', unique, afterUnique - before);
        add('replay', replay, afterReplay - seeded);
        context.log(
          `http run ${run} ${library}/${framework}/${store}: unique ${Math.round(unique.requestsPerSecond)} req/s (${unique.errors} errors), replay ${Math.round(replay.requestsPerSecond)} req/s (${replay.errors} errors)`,
        );
      } finally {
        await server.stop();
        if (store === 'redis') await deleteByPrefix(context.admin, target.prefix);
      }
    }
  }
  const rows: HttpRow[] = [];
  for (const testCase of cases) {
    for (const mode of ['unique', 'replay'] as const) {
      const runsOf =
        results.get(`${testCase.library}/${testCase.framework}/${testCase.store}/${mode}`) ?? [];
      rows.push({
        ...testCase,
        mode,
        figures: {
          requestsPerSecond: median(runsOf.map((r) => r.requestsPerSecond)),
          latencyP50Ms: median(runsOf.map((r) => r.latencyP50Ms)),
          latencyP99Ms: median(runsOf.map((r) => r.latencyP99Ms)),
          errors: runsOf.reduce((sum, r) => sum + r.errors, 0),
          ...(runsOf.some((r) => r.redisCpuMicrosPerRequest !== undefined)
            ? {
                redisCpuMicrosPerRequest: median(
                  runsOf.map((r) => r.redisCpuMicrosPerRequest ?? Number.NaN),
                ),
              }
            : {}),
        },
        runs: runsOf,
      });
    }
  }
  return rows;
}
