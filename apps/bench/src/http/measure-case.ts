import { type BenchContext, type HttpCase, storeTarget } from '../context.js';
import { deleteByPrefix, serverCpuSeconds } from '../redis/admin.js';
import { cpuTimes, stealPercent } from '../steal.js';
import { type LoadPlan, type LoadResult, load, postOrder } from './load.js';
import { ServerProcess } from './server-process.js';

export type KeyMode = 'unique' | 'replay';

/** One measured window of one case in one round. */
export interface HttpSample extends LoadResult {
  /** How often the business logic ran in the server during the window. */
  executions: number;
  /**
   * The server process's CPU (user + system, process.cpuUsage in the server) over the window,
   * per request answered. On Redis this is the Redis client's side too.
   */
  serverCpuMicrosPerRequest: number;
  /** The dedicated Redis server's CPU (INFO cpu) over the window, per request. */
  redisCpuMicrosPerRequest?: number;
  /**
   * Percent of the machine's CPU time (all CPUs) the hypervisor stole during the window
   * (/proc/stat); absent where the kernel does not say.
   */
  stealPercent?: number;
}

export interface HttpCaseRound {
  unique: HttpSample;
  replay: HttpSample;
  /** The CPUs the server process reported it may run on. */
  serverCpus: string;
}

/** Keys whose first result is stored before the replay load cycles over them. */
export const REPLAY_KEYS = 50;

/**
 * One case, once: its server in its own process, a warm-up of first executions, the measured
 * first executions (fresh Idempotency-Key per request), then the replay keys stored, a warm-up
 * of replays and the measured replays. Server CPU, and on a dedicated Redis the Redis server's
 * CPU, are read just before and after each measured window.
 */
export async function measureCase(
  context: BenchContext,
  testCase: HttpCase,
  round: number,
  scenario = 'http',
): Promise<HttpCaseRound> {
  const { library, framework, store } = testCase;
  const { httpSeconds, warmupSeconds, connections } = context.options;
  const target = storeTarget(context, store, scenario, round, library, framework);
  const server = await ServerProcess.start({ library, framework, target });
  const plan = (seconds: number, nextKey: () => string): LoadPlan => ({
    port: server.port,
    seconds,
    connections,
    nextKey,
  });
  const measured = async (nextKey: () => string): Promise<HttpSample> => {
    const redisCpu = store === 'redis' && context.redis.dedicated;
    const executions = await server.executions();
    const redisBefore = redisCpu ? await serverCpuSeconds(context.admin) : 0;
    const cpuBefore = await server.cpuMicros();
    const timesBefore = cpuTimes();
    const result = await load(plan(httpSeconds, nextKey));
    const steal = stealPercent(timesBefore, cpuTimes());
    const cpuAfter = await server.cpuMicros();
    const redisAfter = redisCpu ? await serverCpuSeconds(context.admin) : 0;
    return {
      ...result,
      executions: (await server.executions()) - executions,
      serverCpuMicrosPerRequest: (cpuAfter - cpuBefore) / result.requests,
      ...(redisCpu
        ? { redisCpuMicrosPerRequest: ((redisAfter - redisBefore) * 1e6) / result.requests }
        : {}),
      ...(steal === undefined ? {} : { stealPercent: steal }),
    };
  };
  try {
    let counter = 0;
    const fresh = () => `${target.prefix}:k:${counter++}`;
    await load(plan(warmupSeconds, fresh));
    const unique = await measured(fresh);

    const replayKeys = Array.from({ length: REPLAY_KEYS }, (_, i) => `${target.prefix}:r:${i}`);
    for (const key of replayKeys) {
      const status = await postOrder(server.port, key);
      if (status !== 201)
        throw new Error(`${library}/${framework}/${store}: seeding got ${status}`);
    }
    // Libraries that store after answering need a moment before their records are complete.
    await new Promise((resolve) => setTimeout(resolve, 100));
    let next = 0;
    const replayKey = () => replayKeys[next++ % REPLAY_KEYS] as string;
    // Replays get their own warm-up: their path (lookup, stored-response decode) is not the
    // first execution's, and the JIT has not seen it yet.
    await load(plan(warmupSeconds, replayKey));
    const replay = await measured(replayKey);
    return { unique, replay, serverCpus: server.cpus };
  } finally {
    await server.stop();
    if (store === 'redis') await deleteByPrefix(context.admin, target.prefix);
  }
}
