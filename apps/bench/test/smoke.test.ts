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
        '--engine-seconds',
        '0.1',
        '--http-seconds',
        '0.3',
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
    expect(written.targets.map((t) => t.status)).not.toContain(undefined);
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

  it('measures @oncely/opentelemetry against oncely alone: no-op and real SDK', async () => {
    expect(written.telemetry?.map((row) => row.library)).toEqual([
      'oncely',
      'oncely-otel-noop',
      'oncely-otel-sdk',
    ]);
    for (const row of written.telemetry ?? []) {
      expect(row.engineFirstCpuMicros).toBeGreaterThan(0);
      expect(row.httpUniqueRequestsPerSecond).toBeGreaterThan(0);
      expect(row.httpReplayRequestsPerSecond).toBeGreaterThan(0);
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
