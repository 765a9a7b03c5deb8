import { library } from '../libraries/catalog.js';
import type { BenchResults } from '../results.js';
import type { EngineRow } from '../scenarios/engine.js';
import type { HttpRow } from '../scenarios/http.js';
import { formatNumber as n, ratio, formatRatio as x } from '../stats.js';

const label = (id: string) => library(id as Parameters<typeof library>[0]).label;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function httpTable(results: BenchResults): string {
  const rows: string[][] = [];
  const find = (r: HttpRow, id: string) =>
    results.http.find(
      (o) =>
        o.library === id &&
        o.framework === r.framework &&
        o.mode === r.mode &&
        (id === 'baseline' ? o.store === 'memory' : o.store === r.store),
    );
  for (const row of results.http) {
    const bare = find(row, 'baseline');
    const oncely = find(row, 'oncely');
    rows.push([
      row.framework,
      row.library === 'baseline' || row.library === 'calibration' ? '—' : row.store,
      row.mode === 'unique' ? 'unique (first runs)' : 'repeated (replays)',
      label(row.library),
      n(row.figures.requestsPerSecond),
      x(ratio(row.figures.requestsPerSecond, bare?.figures.requestsPerSecond)),
      x(ratio(row.figures.requestsPerSecond, oncely?.figures.requestsPerSecond)),
      n(row.figures.latencyP50Ms, 1),
      n(row.figures.latencyP99Ms, 1),
      n(row.figures.errors),
      row.figures.redisCpuMicrosPerRequest === undefined
        ? '—'
        : n(row.figures.redisCpuMicrosPerRequest, 1),
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
      '× oncely',
      'p50 ms',
      'p99 ms',
      'errors (non-2xx)',
      'Redis server CPU µs/request',
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
    for (const phase of ['firstOpsPerSecond', 'replayOpsPerSecond'] as const) {
      const start = row.points[0]?.[phase];
      rows.push([
        row.store,
        label(row.library),
        phase === 'firstOpsPerSecond' ? 'first execution' : 'replay',
        ...steps.map((step) => {
          const point = row.points.find((p) => p.records === step);
          return point ? `${n(point[phase])} (${x(ratio(point[phase], start))})` : 'n/a';
        }),
      ]);
    }
  }
  return table(['store', 'library', 'operation', ...steps.map((s) => `${n(s)} records`)], rows);
}

/** The cost of @oncely/opentelemetry next to oncely alone, measured in the same runs. */
function telemetryTable(results: BenchResults): string {
  const rows = results.telemetry ?? [];
  const plain = rows.find((row) => row.library === 'oncely');
  return table(
    [
      'variant',
      'CPU µs/op, interleaved (first)',
      'added µs/op',
      'CPU µs/op, interleaved (replay)',
      'added µs/op',
      'engine CPU µs/op (first, own process)',
      'Fastify req/s (unique)',
      '× oncely',
      'Fastify req/s (replays)',
      '× oncely',
    ],
    rows.map((row) => [
      row.label,
      n(row.interleavedFirstCpuMicros, 1),
      plain ? n(row.interleavedFirstCpuMicros - plain.interleavedFirstCpuMicros, 1) : '—',
      n(row.interleavedReplayCpuMicros, 1),
      plain ? n(row.interleavedReplayCpuMicros - plain.interleavedReplayCpuMicros, 1) : '—',
      n(row.engineFirstCpuMicros, 1),
      n(row.httpUniqueRequestsPerSecond),
      x(ratio(row.httpUniqueRequestsPerSecond, plain?.httpUniqueRequestsPerSecond)),
      n(row.httpReplayRequestsPerSecond),
      x(ratio(row.httpReplayRequestsPerSecond, plain?.httpReplayRequestsPerSecond)),
    ]),
  );
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

${results.quick ? '**Quick (smoke) run: tiny workloads, figures are not meaningful.**\n\n' : ''}Run on ${results.date} in ${n(results.durationSeconds)} s: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, Redis ${results.redis.version} (${results.redis.dedicated ? 'a dedicated redis-server started for this run' : 'a shared server'}). Load average at start: ${m.loadAverageAtStart.join(' / ')}. Every figure is the median of ${results.runs} run(s), each library in its own process; the machine is small and shared, so read the **ratios** (to the bare handler or to oncely, measured in the same run), not the absolute numbers.

Settings: HTTP ${results.settings.httpSeconds} s per measurement with ${results.settings.connections} connections (autocannon in the parent process, each server in its own process on 127.0.0.1); engine ${results.settings.engineSeconds} s per phase at 16 operations in flight.

## Targets

${table(
  ['target', 'status', 'by how much'],
  results.targets.map((t) => [t.target, `**${t.status}**`, t.detail]),
)}

## 2. HTTP (Express and Fastify, memory and Redis)

Unique keys: every request carries a fresh Idempotency-Key, so each is a first execution. Repeated keys: ${50} keys are stored first, then every request replays one of them. "× bare" compares with the bare handler on the same framework and key mode. "Redis server CPU µs/request": the dedicated Redis server's CPU time (INFO cpu, user + system) over the load, divided by its requests; the server shares the machine's cores with the load generator and the app.

${httpTable(results)}

## 1. Engine only (no HTTP)

Each library called directly, 16 calls in flight. CPU: \`process.cpuUsage()\` delta divided by operations. Allocation: growth of V8's used heap over batches of operations during which no GC ran (checked with a GC PerformanceObserver; the worker runs with \`--max-semi-space-size=64\` and \`--expose-gc\`), median of 5 batches; it includes what the store keeps.

${engineTable(results)}

## 3. Store round trips per request (Redis)

Requests sent one at a time. Round trips: the commands clients sent, as the Redis server saw them (MONITOR; commands run inside Lua scripts are not round trips and are left out). Server commands: the \`INFO commandstats\` delta over the same requests, without the INFO calls themselves${results.redis.dedicated ? ' (the server was dedicated to this run, so nothing else is counted)' : ''}.

${accountingTable(results)}

## 4. Memory per stored record

${memoryTable(results)}

Postgres: only oncely has a Postgres store among these libraries (measured in a schema made for the run and dropped after).

## 5. Scale: throughput as stored records grow

Records at the start of each step (memory: filled through the library itself; Redis: copies of real records each library wrote, loaded with pipelined RESTORE). 2000-operation samples, 16 in flight; in brackets the ratio to the first step.

${scaleTable(results)}

## 6. What @oncely/opentelemetry costs

${
  results.telemetry?.length
    ? `oncely on the memory store alone, with \`oncelyTelemetry()\` and no SDK registered (the API's no-op tracer and meter), and with the real SDK (\`BasicTracerProvider\` + \`BatchSpanProcessor\` to an exporter that discards, \`MeterProvider\` + \`PeriodicExportingMetricReader\`, the async-hooks context manager). "Interleaved": the three in one process, alternating batches, so a busy machine slows all three alike: read the added µs per operation there. Then each in its own process like the engine scenario, and through Fastify (req/s, × oncely alone); those drift on a shared machine.

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
