import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { BenchContext } from './context.js';
import { LIBRARIES } from './libraries/catalog.js';
import { machineInfo } from './machine.js';
import { parseOptions } from './options.js';
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
import { judgeTargets } from './targets.js';
import { installedVersion } from './versions.js';

/** Run the benchmark described by `argv`; returns what it wrote. Used by `pnpm bench` and the smoke test. */
export async function runBench(argv: string[], log: (line: string) => void = console.log) {
  const defaultOut = fileURLToPath(new URL('../results', import.meta.url));
  const options = parseOptions(argv, defaultOut);
  const started = performance.now();
  const machine = machineInfo();
  const redis = await redisTarget(options.redisUrl);
  const admin = new Redis(redis.url);
  const prefix = `oncely-bench:${Date.now().toString(36)}`;
  const context: BenchContext = { options, redis, admin, prefix, log };
  log(
    `oncely bench${options.quick ? ' (quick)' : ''}: ${options.runs} run(s), Redis ${redis.version} at ${redis.url}${redis.dedicated ? ' (dedicated)' : ''}, prefix ${prefix}`,
  );
  const results: BenchResults = {
    date: new Date().toISOString(),
    quick: options.quick,
    runs: options.runs,
    durationSeconds: 0,
    machine,
    redis: { version: redis.version, dedicated: redis.dedicated },
    settings: {
      httpSeconds: options.httpSeconds,
      connections: options.connections,
      engineSeconds: options.engineSeconds,
      scaleSteps: options.scaleSteps,
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
  try {
    if (options.only.has('engine')) results.engine = await engineScenario(context);
    if (options.only.has('http')) results.http = await httpScenario(context);
    if (options.only.has('accounting')) results.accounting = await accountingScenario(context);
    if (options.only.has('memory')) {
      results.memory = await memoryScenario(context);
      const postgres = await postgresScenario(context);
      results.postgres = postgres.rows;
      if (postgres.note) results.notes.push(postgres.note);
    }
    if (options.only.has('scale')) results.scale = await scaleScenario(context);
    if (options.only.has('telemetry')) results.telemetry = await telemetryScenario(context);
  } finally {
    await deleteByPrefix(admin, prefix);
    admin.disconnect();
    await redis.stop();
  }
  results.targets = judgeTargets(results);
  results.durationSeconds = (performance.now() - started) / 1000;
  const files = await writeResults(options.outDir, results);
  for (const target of results.targets)
    log(`target ${target.status}: ${target.target} — ${target.detail}`);
  log(`done in ${Math.round(results.durationSeconds)} s; wrote ${files.join(', ')}`);
  return { results, files };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runBench(process.argv.slice(2));
}
