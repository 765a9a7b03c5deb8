import { library } from '../libraries/catalog.js';
import type { BenchResults } from '../results.js';
import type { EngineRow } from '../scenarios/engine.js';
import {
  formatNumber as n,
  ratio,
  formatSpread as s,
  spread,
  formatRatio as x,
  formatRatioSpread as xs,
} from '../stats.js';
import { formatBound, formatMeasured } from '../targets.js';

const label = (id: string) => library(id as Parameters<typeof library>[0]).label;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function httpTable(results: BenchResults): string {
  const rows: string[][] = [];
  for (const row of results.http) {
    const f = row.figures;
    rows.push([
      row.framework,
      row.library === 'baseline' ? '—' : row.store,
      row.mode === 'unique' ? 'unique (first runs)' : 'repeated (replays)',
      label(row.library),
      s(f.requestsPerSecond),
      xs(f.vsBare),
      xs(f.vsNodeIdempotency),
      s(f.latencyP99Ms, 1),
      s(f.serverCpuMicrosPerRequest, 1),
      s(f.addedCpuOverBareMicros, 1),
      f.redisCpuMicrosPerRequest ? s(f.redisCpuMicrosPerRequest, 1) : '—',
      n(f.errors),
    ]);
  }
  return table(
    [
      'framework',
      'store',
      'keys',
      'library',
      'req/s',
      '× bare',
      '× node-idempotency',
      'p99 ms',
      'server CPU µs/request',
      'added over bare, µs',
      'Redis server CPU µs/request',
      'errors (non-2xx)',
    ],
    rows,
  );
}

function engineTable(results: BenchResults): string {
  const rows: string[][] = [];
  const bare = results.engine.find((r) => r.library === 'baseline');
  for (const row of results.engine) {
    const oncely = results.engine.find((r) => r.library === 'oncely' && r.store === row.store);
    for (const phase of ['first', 'replay'] as const) {
      rows.push([
        row.library === 'baseline' ? '—' : row.store,
        phase === 'first' ? 'first execution' : 'replay',
        label(row.library),
        n(row[phase].opsPerSecond),
        x(ratio(row[phase].opsPerSecond, bare?.[phase].opsPerSecond)),
        x(ratio(row[phase].opsPerSecond, oncely?.[phase].opsPerSecond)),
        n(row[phase].cpuMicrosPerOp, 1),
        n(row[phase].allocatedBytesPerOp),
      ]);
    }
  }
  return table(
    [
      'store',
      'operation',
      'library',
      'ops/s',
      '× bare',
      '× oncely',
      'CPU µs/op',
      'heap bytes allocated/op',
    ],
    rows,
  );
}

function accountingTable(results: BenchResults): string {
  const names = (counts: Record<string, number>, per: number) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([name, calls]) => `${name} ${n(calls / per, 2)}`)
      .join(', ');
  return table(
    [
      'library',
      'via',
      'round trips: first',
      'round trips: replay',
      'sent (per request): first / replay',
      'server commands incl. inside Lua (per request): first / replay',
      'handler runs: first / replay',
    ],
    results.accounting.map((row) => [
      label(row.library),
      row.via,
      n(row.first.roundTripsPerRequest, 2),
      n(row.replay.roundTripsPerRequest, 2),
      `${names(row.first.roundTrips, row.requests)} / ${names(row.replay.roundTrips, row.requests)}`,
      `${names(row.first.serverCommands, row.requests)} / ${names(row.replay.serverCommands, row.requests)}`,
      `${row.first.executions ?? 'n/a'} / ${row.replay.executions ?? 'n/a'} of ${row.requests}`,
    ]),
  );
}

function memoryTable(results: BenchResults): string {
  const rows: string[][] = [];
  const oncelyMemory = results.memory.find((r) => r.library === 'oncely');
  for (const row of results.memory) {
    const engine = results.engine.find((r) => r.library === row.library && r.store === 'memory');
    rows.push([
      'memory',
      label(row.library),
      n(row.bytesPerRecord),
      x(ratio(row.bytesPerRecord, oncelyMemory?.bytesPerRecord)),
      `Express server heap + ArrayBuffers after GC, ${n(row.records)} records${engine ? `; engine only: ${n(engine.retainedBytesPerRecord)}` : ''}`,
    ]);
  }
  for (const row of results.engine.filter(
    (r) => r.store === 'memory' && r.library !== 'baseline',
  )) {
    if (results.memory.some((m) => m.library === row.library)) continue;
    rows.push([
      'memory',
      label(row.library),
      n(row.retainedBytesPerRecord),
      'n/a',
      'engine process heap + ArrayBuffers after GC',
    ]);
  }
  const oncelyRedis = results.accounting.find((r) => r.library === 'oncely');
  for (const row of results.accounting) {
    rows.push([
      'Redis',
      label(row.library),
      n(row.bytesPerRecord),
      x(ratio(row.bytesPerRecord, oncelyRedis?.bytesPerRecord)),
      `MEMORY USAGE summed over its keys (${n(row.keysPerRecord, 2)} keys per record), ${row.requests + 1} records`,
    ]);
  }
  for (const row of results.postgres) {
    rows.push([
      'Postgres',
      label(row.library),
      n(row.bytesPerRecord),
      '1.00×',
      `pg_total_relation_size growth (table, TOAST, indexes) over ${n(row.records)} records; average row (pg_column_size) ${n(row.averageRowBytes)} bytes`,
    ]);
  }
  return table(['store', 'library', 'bytes per record', '× oncely', 'how'], rows);
}

function scaleTable(results: BenchResults): string {
  const steps = results.settings.scaleSteps;
  const rows: string[][] = [];
  for (const row of results.scale) {
    for (const phase of ['first', 'replay'] as const) {
      const start = row.points[0]?.[phase].median;
      rows.push([
        row.store,
        label(row.library),
        phase === 'first' ? 'first execution' : 'replay',
        ...steps.map((step) => {
          const point = row.points.find((p) => p.records === step);
          return point ? `${s(point[phase])} [${x(ratio(point[phase].median, start))}]` : 'n/a';
        }),
      ]);
    }
  }
  return table(
    ['store', 'library', 'operation', ...steps.map((step) => `${n(step)} records`)],
    rows,
  );
}

/** The cost of @oncely/opentelemetry next to oncely alone, paired per round. */
function telemetryTable(results: BenchResults): string {
  return table(
    [
      'variant',
      'Fastify req/s (first runs)',
      '× oncely',
      'server CPU µs/request',
      'added µs',
      'Fastify req/s (replays)',
      '× oncely',
      'server CPU µs/request',
      'added µs',
      'engine CPU µs/op (first)',
      'added µs',
      'engine CPU µs/op (replay)',
      'added µs',
    ],
    results.telemetry.map((row) => [
      row.label,
      s(row.unique.requestsPerSecond),
      xs(row.unique.vsOncely),
      s(row.unique.serverCpuMicrosPerRequest, 1),
      s(row.unique.addedCpuOverOncelyMicros, 1),
      s(row.replay.requestsPerSecond),
      xs(row.replay.vsOncely),
      s(row.replay.serverCpuMicrosPerRequest, 1),
      s(row.replay.addedCpuOverOncelyMicros, 1),
      s(row.engineFirstCpuMicros, 1),
      s(row.engineAddedFirstCpuMicros, 1),
      s(row.engineReplayCpuMicros, 1),
      s(row.engineAddedReplayCpuMicros, 1),
    ]),
  );
}

function targetsSection(results: BenchResults): string {
  return results.targets
    .map((target) => {
      const figures = target.figures.length
        ? `\n\n${table(
            ['figure', 'measured: median (min–max)', 'target', 'status'],
            target.figures.map((f) => [f.figure, formatMeasured(f), formatBound(f), f.status]),
          )}`
        : '';
      return `**${target.status}**: ${target.target}. ${target.detail}.${figures}`;
    })
    .join('\n\n');
}

function pinningLine(results: BenchResults): string {
  const p = results.pinning;
  if (!p.applied)
    return `**Not pinned** (${p.reason}): the servers, the load generator and Redis shared every CPU.`;
  const o = p.observed;
  return `Pinned with ${p.tool}: each server under test (and each worker measuring a library in-process) on CPU ${p.subjectCpus.join(',')}, the load generator (autocannon in the parent process) and the dedicated Redis on CPU ${p.loadCpus.join(',')}. As the kernel reported them (Cpus_allowed_list): load generator ${o.loadGenerator ?? 'n/a'}, Redis ${o.redis ?? 'n/a'}, servers ${o.servers.join(' / ') || 'n/a'}, workers ${o.workers.join(' / ') || 'n/a'}.`;
}

/**
 * How much of the machine the hypervisor took while the run went on: on an oversubscribed
 * host the same code measures up to twice as slow in one window as in another, so a figure is
 * read with the steal beside it.
 */
const UNCOUNTED_STEAL =
  " This kernel had counted no steal at all since the machine booted (/proc/stat's steal column was 0 at the end of the run), as a kernel that does not account steal shows: here 0% does not mean a quiet host. Read the bare handler's spread across rounds instead.";

function stealLine(results: BenchResults): string {
  const byScenario = Object.entries(results.scenarioStealPercent ?? {});
  if (byScenario.length === 0) return 'Hypervisor steal: not reported (no /proc/stat).';
  const windows = spread(
    results.http.flatMap((row) => row.rounds.map((r) => r.stealPercent ?? Number.NaN)),
  );
  const perWindow =
    windows.count > 0
      ? `; over the ${windows.count} measured HTTP windows ${s(windows, 1, '%')}`
      : '';
  return `Hypervisor steal (/proc/stat, all CPUs: CPU time the host gave to other guests while this machine's CPUs had work), per scenario: ${byScenario
    .map(([name, percent]) => `${name} ${n(percent ?? Number.NaN, 1)}%`)
    .join(', ')}${perWindow}. Where it is high, a figure measures the machine as much as the code.${
    results.stealCountedSinceBoot === false ? UNCOUNTED_STEAL : ''
  }`;
}

export function markdownReport(results: BenchResults): string {
  const m = results.machine;
  const versions = results.libraries
    .filter((l) => l.packages.length)
    .map((l) => [
      l.label,
      Object.entries(l.versions)
        .map(([name, version]) => `\`${name}@${version}\``)
        .join(', '),
      l.configured,
    ]);
  return `# Benchmark results

${results.quick ? '**Quick (smoke) run: tiny workloads, figures are not meaningful.**\n\n' : ''}Run on ${results.date} in ${n(results.durationSeconds)} s: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, Redis ${results.redis.version} (${results.redis.dedicated ? 'a dedicated redis-server started for this run' : 'a shared server'}). Load average at start: ${m.loadAverageAtStart.join(' / ')}. Time per scenario: ${
    Object.entries(results.scenarioSeconds)
      .map(([name, seconds]) => `${name} ${n(seconds)} s`)
      .join(', ') || 'n/a'
  }.

${pinningLine(results)}

${stealLine(results)}

Every case ran once per round, ${results.rounds} round(s), in an order that changes from round to round (\`roundOrders\` in results.json). Figures are the **median (min–max) over the rounds**; every ratio and difference pairs a case with its reference **measured in the same round** (oncely ÷ bare of that round, oncely ÷ node-idempotency of that round) before the median is taken. Server CPU per request: \`process.cpuUsage()\` of the server process over the measured window ÷ requests answered.

Settings: HTTP ${results.settings.httpSeconds} s per measured window after a ${results.settings.warmupSeconds} s warm-up (first executions and replays each get one), ${results.settings.connections} connections (autocannon in the parent process, each server in its own process on 127.0.0.1, Node's default GC settings); engine ${results.settings.engineSeconds} s per phase at 16 operations in flight; scale ${results.settings.scaleSamples} samples of ${n(results.settings.scaleSampleOperations)} operations per step and phase.

## Targets

A target is PASS only when the median of every figure clears it, MISS when one does not, NOT MEASURED when a case did not run.

${targetsSection(results)}

## 2. HTTP (Express and Fastify, memory and Redis)

Unique keys: every request carries a fresh Idempotency-Key, so each is a first execution. Repeated keys: ${50} keys are stored first, then every request replays one of them. "× bare" and "× node-idempotency": req/s ÷ the reference's req/s of the same round (same framework and key mode; same store for node-idempotency), median (min–max) over rounds. "server CPU µs/request": the server process's CPU over the window ÷ requests (on Redis this process is also the Redis client); "added over bare": that minus the bare handler's of the same round. "Redis server CPU µs/request": the dedicated Redis server's CPU time (INFO cpu, user + system) over the window ÷ requests.

${httpTable(results)}

## 1. Engine only (no HTTP)

Each library called directly, 16 calls in flight, medians over ${results.rounds} round(s). CPU: \`process.cpuUsage()\` delta divided by operations. Allocation: growth of V8's used heap over batches of operations during which no GC ran (checked with a GC PerformanceObserver; the worker runs with \`--max-semi-space-size=64\` and \`--expose-gc\`), median of 5 batches; it includes what the store keeps.

${engineTable(results)}

## 3. Store round trips per request (Redis)

Requests sent one at a time. Round trips: the commands clients sent, as the Redis server saw them (MONITOR; commands run inside Lua scripts are not round trips and are left out). Server commands: the \`INFO commandstats\` delta over the same requests, without the INFO calls themselves${results.redis.dedicated ? ' (the server was dedicated to this run, so nothing else is counted)' : ''}.

${accountingTable(results)}

## 4. Memory per stored record

${memoryTable(results)}

Postgres: only oncely has a Postgres store among these libraries (measured in a schema made for the run and dropped after).

## 5. Scale: throughput as stored records grow

Records at the start of each step (memory: filled through the library itself; Redis: copies of real records each library wrote, loaded with pipelined RESTORE). Samples of ${n(results.settings.scaleSampleOperations)} operations, 16 in flight, first executions and replays alternating; ops/s is the median (min–max) over 5 blocks of samples (operations ÷ time summed over the block, GC pauses included); in brackets the ratio of medians to the first step. Memory: one store per step, each in its own process, the steps measured in turns sample by sample (every step's sample 1, then every step's sample 2, each turn starting one step further along), so a slower stretch of the host falls on all steps alike and the n-th block of every step covers the same time; target 4's 1e6 ÷ 1e3 is the median (min–max) of the ratios of those paired blocks. Memory stores stay at the stated count: the records each sample of first executions adds are removed again, oldest first (untimed, as expiry would), so a store holds the count plus at most one sample during first executions and the count during replays; replays pick records at random over the whole store. Redis: the steps one after the other, as the server is filled.

${scaleTable(results)}

## 6. What @oncely/opentelemetry costs

${
  results.telemetry.length
    ? `oncely on the memory store alone, with \`oncelyTelemetry()\` and no SDK registered (the API's no-op tracer and meter), and with the real SDK (\`BasicTracerProvider\` + \`BatchSpanProcessor\` to an exporter that discards, \`MeterProvider\` + \`PeriodicExportingMetricReader\`, the async-hooks context manager). Fastify: the same pinned, interleaved method as the HTTP scenario; "× oncely" and "added µs" pair each round with oncely alone of that round. Engine: the three in one process alternating batches, once per round, added µs over oncely alone in the same process.

${telemetryTable(results)}`
    : 'Not measured in this run (`--only telemetry`).'
}

## How each library was set up

${table(['library', 'packages', 'configured as'], versions)}

${results.notes.length ? `## Notes\n\n${results.notes.map((note) => `- ${note}`).join('\n')}\n` : ''}
Raw figures, every run: \`results.json\`. Chart: \`chart.svg\`.
`;
}

export type { EngineRow };
