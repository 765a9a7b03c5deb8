import { type BenchContext, storeTarget } from '../context.js';
import { postOrder } from '../http/load.js';
import { ServerProcess } from '../http/server-process.js';
import { LIBRARIES } from '../libraries/catalog.js';
import { engineSubject } from '../libraries/engines.js';
import { SAMPLE_ORDER } from '../libraries/order.js';
import type { LibraryId } from '../libraries/types.js';
import {
  type CommandCounts,
  commandDelta,
  commandStats,
  deleteByPrefix,
  memoryUsage,
  RoundTripMonitor,
  scanKeys,
} from '../redis/admin.js';

export interface PhaseCount {
  /** Commands clients sent (MONITOR, script-internal commands left out), per request. */
  roundTripsPerRequest: number;
  /** The same, by command name, in total. */
  roundTrips: Record<string, number>;
  /** INFO commandstats delta (includes commands Lua scripts ran), in total. */
  serverCommands: CommandCounts;
  /** How often the business logic ran in this phase. */
  executions: number | undefined;
}

export interface AccountingRow {
  library: LibraryId;
  /** How the requests were sent: through the library's Express server, or its engine API. */
  via: 'express' | 'engine';
  requests: number;
  first: PhaseCount;
  replay: PhaseCount;
  /** Redis MEMORY USAGE summed over the library's keys, per stored record. */
  bytesPerRecord: number;
  keysPerRecord: number;
}

interface Driver {
  send(key: string): Promise<void>;
  executions(): Promise<number | undefined>;
  stop(): Promise<void>;
}

async function driver(
  library: LibraryId,
  via: 'express' | 'engine',
  target: ReturnType<typeof storeTarget>,
): Promise<Driver> {
  if (via === 'express') {
    const server = await ServerProcess.start({ library, framework: 'express', target });
    return {
      send: async (key) => {
        const status = await postOrder(server.port, key);
        if (status !== 201) throw new Error(`${library}: got ${status} for ${key}`);
      },
      executions: () => server.executions(),
      stop: () => server.stop(),
    };
  }
  const subject = await engineSubject(library, target);
  return {
    send: async (key) => {
      await subject.call(key, SAMPLE_ORDER);
    },
    executions: async () => undefined,
    stop: () => subject.close(),
  };
}

/** Libraries that store after answering need a moment before their writes reach Redis. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

/**
 * Scenario 3 and the Redis part of 4: requests one at a time, each library's Redis commands
 * counted at the server (MONITOR for round trips, INFO commandstats for everything the server
 * ran), then MEMORY USAGE over every key the library wrote.
 */
export async function accountingScenario(context: BenchContext): Promise<AccountingRow[]> {
  const rows: AccountingRow[] = [];
  const count = context.options.accountingRequests;
  for (const entry of LIBRARIES) {
    const expressRedis = entry.http.express?.includes('redis') ?? false;
    if (!expressRedis && !entry.engineStores.includes('redis')) continue;
    const via = expressRedis ? 'express' : 'engine';
    const target = storeTarget(context, 'redis', 'accounting', entry.id);
    const monitor = await RoundTripMonitor.start(
      context.redis.url,
      context.redis.dedicated ? undefined : target.prefix,
    );
    const run = await driver(entry.id, via, target);
    try {
      // One warm-up request: connections, script loading and one-off checks are not per request.
      await run.send(`${target.prefix}:warm`);
      await settle();
      await monitor.take();
      // The same keys twice: first executions, then replays.
      const phase = async (): Promise<PhaseCount> => {
        const executionsBefore = await run.executions();
        const before = await commandStats(context.admin);
        for (let i = 0; i < count; i++) await run.send(`${target.prefix}:a:${i}`);
        await settle();
        const seen = await monitor.take();
        const serverCommands = commandDelta(before, await commandStats(context.admin));
        const executionsAfter = await run.executions();
        return {
          roundTripsPerRequest: seen.total / count,
          roundTrips: seen.byCommand,
          serverCommands,
          executions:
            executionsAfter === undefined || executionsBefore === undefined
              ? undefined
              : executionsAfter - executionsBefore,
        };
      };
      const first = await phase();
      const replay = await phase();
      const keys = await scanKeys(context.admin, `${target.prefix}*`);
      const bytes = (await memoryUsage(context.admin, keys)).reduce((sum, b) => sum + b, 0);
      const records = count + 1;
      rows.push({
        library: entry.id,
        via,
        requests: count,
        first,
        replay,
        bytesPerRecord: bytes / records,
        keysPerRecord: keys.length / records,
      });
      context.log(
        `accounting ${entry.id} (${via}): ${first.roundTripsPerRequest} round trips first, ${replay.roundTripsPerRequest} replay, ${Math.round(bytes / records)} bytes/record`,
      );
    } finally {
      await run.stop();
      await monitor.stop();
      await deleteByPrefix(context.admin, target.prefix);
    }
  }
  return rows;
}
