import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeService } from '@oncely/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../src/main.js';
import type { BenchResults } from '../src/results.js';

// The harness starts a redis-server of its own, so that is what this test needs.
const redisServer = await probeService('redis-server (the binary)', async () => {
  const result = spawnSync('redis-server', ['--version']);
  if (result.error) throw result.error;
});

describe.skipIf(!redisServer.available)('pnpm bench --quick on a tiny workload', () => {
  let out: string;
  let results: BenchResults;
  let written: BenchResults;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'oncely-bench-'));
    const lines: string[] = [];
    const run = await runBench(
      [
        '--quick',
        '--only',
        'engine,accounting,telemetry',
        '--rounds',
        '2',
        '--engine-seconds',
        '0.1',
        '--http-seconds',
        '0.3',
        '--warmup-seconds',
        '0.1',
        '--out',
        out,
      ],
      (line) => lines.push(line),
    );
    results = run.results;
    written = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as BenchResults;
  });

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes results.json, a README with the targets and a chart', async () => {
    expect(written.engine.length).toBe(results.engine.length);
    const readme = await readFile(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('## Targets');
    expect(readme).toContain('## How each library was set up');
    const svg = await readFile(join(out, 'chart.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(readme).toContain('median (min–max)');
    expect(written.targets.map((t) => t.status)).not.toContain(undefined);
  });

  it('says how much CPU the hypervisor stole while each scenario ran', async () => {
    const readme = await readFile(join(out, 'README.md'), 'utf8');
    if (process.platform !== 'linux') {
      expect(readme).toContain('Hypervisor steal: not reported');
      return;
    }
    const stolen = written.scenarioStealPercent ?? {};
    expect(Object.keys(stolen).sort()).toEqual(['accounting', 'engine', 'telemetry']);
    for (const percent of Object.values(stolen)) {
      expect(percent).toBeGreaterThanOrEqual(0);
      expect(percent).toBeLessThanOrEqual(100);
    }
    expect(readme).toMatch(
      /Hypervisor steal \(\/proc\/stat, all CPUs.*per scenario: engine [\d.]+%/,
    );
    // A steal counter still at 0 since boot is said to be one, not read as a quiet host.
    const counted = Number((await readFile('/proc/stat', 'latin1')).split(/\s+/)[8]) > 0;
    expect(written.stealCountedSinceBoot).toBe(counted);
    expect(readme.includes('had counted no steal at all since the machine booted')).toBe(!counted);
  });

  it('says which CPUs each process ran on, or why it was not pinned', () => {
    const pinning = written.pinning;
    if (!pinning.applied) {
      expect(pinning.reason).toBeTruthy();
      return;
    }
    // The server under test's CPU is not the load generator's, and the processes said so
    // themselves (Cpus_allowed_list read inside each).
    expect(pinning.subjectCpus.some((cpu) => pinning.loadCpus.includes(cpu))).toBe(false);
    expect(pinning.observed.servers).toEqual([pinning.subjectCpus.join(',')]);
    expect(pinning.observed.workers).toEqual([pinning.subjectCpus.join(',')]);
    expect(pinning.observed.loadGenerator).toBe(pinning.loadCpus.join(','));
    expect(pinning.observed.redis).toBe(pinning.loadCpus.join(','));
  });

  it('judges every target on figures with a median and a spread, or says it did not measure them', () => {
    expect(written.targets.slice(0, 4).map((t) => t.target.slice(0, 2))).toEqual([
      '1.',
      '2.',
      '3.',
      '4.',
    ]);
    for (const target of written.targets) {
      for (const f of target.figures) {
        if (f.status === 'NOT MEASURED') {
          expect(f.measured).toBeUndefined();
          continue;
        }
        const m = f.measured;
        expect(m?.count).toBeGreaterThan(0);
        expect(m?.min).toBeLessThanOrEqual(m?.median as number);
        expect(m?.median).toBeLessThanOrEqual(m?.max as number);
        const bound = f.bound.atMost ?? f.bound.atLeast;
        expect(typeof bound).toBe('number');
        // PASS exactly when the median clears the bound.
        const clears =
          (f.bound.atLeast === undefined || (m?.median as number) >= f.bound.atLeast) &&
          (f.bound.atMost === undefined || (m?.median as number) <= f.bound.atMost);
        expect(f.status).toBe(clears ? 'PASS' : 'MISS');
      }
      const statuses = target.figures.map((f) => f.status);
      if (statuses.includes('MISS')) expect(target.status).toBe('MISS');
      else if (statuses.length && statuses.every((s) => s === 'PASS'))
        expect(target.status).toBe('PASS');
    }
    // This run had no HTTP scenario: target 1 is not measured, target 3's client CPU (engine,
    // paired over 2 rounds) and round trips (accounting) are.
    expect(written.targets[0]?.status).toBe('NOT MEASURED');
    const redis = written.targets[2]?.figures ?? [];
    const client = redis.find((f) => f.figure.startsWith('client CPU'));
    expect(client?.measured?.count).toBe(2);
    expect(redis.filter((f) => f.unit === 'round trips').map((f) => f.status)).toEqual([
      'PASS',
      'PASS',
    ]);
  });

  it('measures every library at engine level on each store it has', () => {
    const cases = written.engine.map((row) => `${row.library}/${row.store}`).sort();
    expect(cases).toEqual(
      [
        'baseline/memory',
        'node-idempotency/memory',
        'node-idempotency/redis',
        'oncely/memory',
        'oncely/redis',
        'powertools/redis',
      ].sort(),
    );
    for (const row of written.engine) {
      for (const phase of [row.first, row.replay]) {
        expect(phase.opsPerSecond).toBeGreaterThan(0);
        expect(phase.cpuMicrosPerOp).toBeGreaterThan(0);
      }
    }
  });

  it('measures @oncely/opentelemetry against oncely alone in interleaved, paired rounds', async () => {
    expect(written.telemetry.map((row) => row.library)).toEqual([
      'oncely',
      'oncely-otel-noop',
      'oncely-otel-sdk',
    ]);
    // Every variant once per round; the order is recorded per round.
    expect(written.roundOrders.telemetry?.map((order) => [...order].sort())).toEqual([
      [
        'oncely-otel-noop/fastify/memory',
        'oncely-otel-sdk/fastify/memory',
        'oncely/fastify/memory',
      ],
      [
        'oncely-otel-noop/fastify/memory',
        'oncely-otel-sdk/fastify/memory',
        'oncely/fastify/memory',
      ],
    ]);
    for (const row of written.telemetry) {
      expect(row.engineFirstCpuMicros.count).toBe(2);
      for (const figures of [row.unique, row.replay]) {
        expect(figures.requestsPerSecond.count).toBe(2);
        expect(figures.serverCpuMicrosPerRequest.median).toBeGreaterThan(0);
        expect(figures.errors).toBe(0);
        if (row.library === 'oncely') continue;
        // Paired with oncely alone round by round.
        expect(figures.vsOncely?.count).toBe(2);
        expect(figures.addedCpuOverOncelyMicros?.count).toBe(2);
      }
    }
    const readme = await readFile(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('## 6. What @oncely/opentelemetry costs');
    expect(readme).toContain('+ @oncely/opentelemetry, real SDK');
  });

  it('counts round trips that agree with the server’s own command statistics', () => {
    expect(written.accounting.map((row) => row.library).sort()).toEqual(
      ['express-idempotency', 'node-idempotency', 'oncely', 'powertools'].sort(),
    );
    const total = (counts: Record<string, number>) =>
      Object.values(counts).reduce((sum, calls) => sum + calls, 0);
    for (const row of written.accounting) {
      for (const phase of [row.first, row.replay]) {
        expect(phase.roundTripsPerRequest * row.requests).toBe(total(phase.roundTrips));
        // MONITOR (what clients sent) against INFO commandstats (what the server ran): the
        // top-level commands are the same; oncely's scripts also run commands inside Lua,
        // which commandstats counts and MONITOR rightly does not call round trips.
        if (row.library === 'oncely') {
          expect(phase.serverCommands.evalsha).toBe(phase.roundTrips.evalsha);
        } else {
          expect(total(phase.serverCommands)).toBe(total(phase.roundTrips));
        }
      }
      // Counted in the server process: the handler ran once per key, never on a replay.
      expect(row.first.executions).toBe(row.requests);
      expect(row.replay.executions).toBe(0);
    }
    const oncely = written.accounting.find((row) => row.library === 'oncely');
    expect(oncely?.first.roundTripsPerRequest).toBe(2);
    expect(oncely?.replay.roundTripsPerRequest).toBe(1);
  });
});
