import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { BenchContext } from './context.js';
import { LIBRARIES } from './libraries/catalog.js';
import { machineInfo } from './machine.js';
import { parseOptions, type ScenarioName } from './options.js';
import { releasePinning, setUpPinning } from './pinning.js';
import { deleteByPrefix } from './redis/admin.js';
import { redisTarget } from './redis/server.js';
import { writeResults } from './report/write.js';
import type { BenchResults } from './results.js';
import { accountingScenario } from './scenarios/accounting.js';
import { engineScenario } from './scenarios/engine.js';
import { httpScenario } from './scenarios/http.js';
import { memoryScenario } from './scenarios/memory.js';
import { postgresScenario } from './scenarios/postgres.js';
import { scaleScenario } from './scenarios/scale.js';
import { telemetryScenario } from './scenarios/telemetry.js';
import { cpuTimes, stealPercent } from './steal.js';
import { formatBound, formatMeasured, judgeTargets } from './targets.js';
import { installedVersion } from './versions.js';

/** Run the benchmark described by `argv`; returns what it wrote. Used by `pnpm bench` and the smoke test. */
export async function runBench(argv: string[], log: (line: string) => void = console.log) {
  const defaultOut = fileURLToPath(new URL('../results', import.meta.url));
  const options = parseOptions(argv, defaultOut);
  const started = performance.now();
  const machine = machineInfo();
  // Before Redis starts, so that it starts on the load generator's CPUs.
  const pinning = setUpPinning(options.pin);
  const redis = await redisTarget(options.redisUrl).catch((error: unknown) => {
    releasePinning();
    throw error;
  });
  if (!redis.dedicated) pinning.observed.redis = 'not pinned: a server given with --redis-url';
  const admin = new Redis(redis.url);
  const prefix = `oncely-bench:${Date.now().toString(36)}`;
  const context: BenchContext = { options, redis, admin, prefix, log };
  log(
    `oncely bench${options.quick ? ' (quick)' : ''}: ${options.rounds} round(s), Redis ${redis.version} at ${redis.url}${redis.dedicated ? ' (dedicated)' : ''}, prefix ${prefix}`,
  );
  log(
    pinning.applied
      ? `pinned: servers and measuring workers on CPU ${pinning.subjectCpus.join(',')}; load generator and Redis on CPU ${pinning.loadCpus.join(',')}`
      : `not pinned: ${pinning.reason}`,
  );
  const results: BenchResults = {
    date: new Date().toISOString(),
    quick: options.quick,
    rounds: options.rounds,
    roundOrders: {},
    durationSeconds: 0,
    scenarioSeconds: {},
    scenarioStealPercent: {},
    machine,
    pinning,
    redis: { version: redis.version, dedicated: redis.dedicated },
    settings: {
      httpSeconds: options.httpSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
      engineSeconds: options.engineSeconds,
      scaleSteps: options.scaleSteps,
      scaleSampleOperations: options.scaleSampleOperations,
      scaleSamples: options.scaleSamples,
    },
    libraries: LIBRARIES.map((entry) => ({
      ...entry,
      versions: Object.fromEntries(entry.packages.map((name) => [name, installedVersion(name)])),
    })),
    engine: [],
    http: [],
    accounting: [],
    memory: [],
    postgres: [],
    scale: [],
    telemetry: [],
    targets: [],
    notes: [],
  };
  // Each scenario's wall-clock time, so the modes' durations can be read from the results.
  const timed = async (name: ScenarioName, run: () => Promise<void>) => {
    if (!options.only.has(name)) return;
    const start = performance.now();
    const timesAtStart = cpuTimes();
    await run();
    results.scenarioSeconds[name] = Math.round((performance.now() - start) / 1000);
    const stolen = stealPercent(timesAtStart, cpuTimes());
    if (stolen !== undefined && results.scenarioStealPercent) {
      results.scenarioStealPercent[name] = Math.round(stolen * 10) / 10;
    }
    log(`${name}: ${results.scenarioSeconds[name]} s`);
  };
  try {
    await timed('engine', async () => {
      results.engine = await engineScenario(context);
    });
    await timed('http', async () => {
      const http = await httpScenario(context);
      results.http = http.rows;
      results.roundOrders.http = http.orders;
    });
    await timed('accounting', async () => {
      results.accounting = await accountingScenario(context);
    });
    await timed('memory', async () => {
      results.memory = await memoryScenario(context);
      const postgres = await postgresScenario(context);
      results.postgres = postgres.rows;
      if (postgres.note) results.notes.push(postgres.note);
    });
    await timed('scale', async () => {
      results.scale = await scaleScenario(context);
    });
    await timed('telemetry', async () => {
      const telemetry = await telemetryScenario(context);
      results.telemetry = telemetry.rows;
      results.roundOrders.telemetry = telemetry.orders;
    });
  } finally {
    await deleteByPrefix(admin, prefix);
    admin.disconnect();
    await redis.stop();
    releasePinning();
  }
  results.targets = judgeTargets(results);
  results.durationSeconds = (performance.now() - started) / 1000;
  const timesAtEnd = cpuTimes();
  if (timesAtEnd) results.stealCountedSinceBoot = timesAtEnd.steal > 0;
  const files = await writeResults(options.outDir, results);
  for (const target of results.targets) {
    log(`target ${target.status}: ${target.target}`);
    for (const f of target.figures) {
      log(`  ${f.status.padEnd(12)} ${f.figure}: ${formatMeasured(f)} (target ${formatBound(f)})`);
    }
    if (target.figures.length === 0) log(`  ${target.detail}`);
  }
  log(`done in ${Math.round(results.durationSeconds)} s; wrote ${files.join(', ')}`);
  return { results, files };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runBench(process.argv.slice(2));
}
