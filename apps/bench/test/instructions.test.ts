import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeService } from '@oncely/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInstructions } from '../src/instructions/main.js';
import { instructionsMarkdown } from '../src/instructions/markdown.js';
import { parseInstructionOptions } from '../src/instructions/options.js';
import type { InstructionResults } from '../src/instructions/types.js';

describe('instruction count options', () => {
  it('refuses what it cannot count, naming the option', () => {
    expect(() => parseInstructionOptions(['--libraries', 'oncely,nope'], '/o')).toThrow(
      /--libraries: unknown nope/,
    );
    expect(() => parseInstructionOptions(['--batches', '0'], '/o')).toThrow(/--batches must be/);
    expect(() => parseInstructionOptions(['--rounds', '3'], '/o')).toThrow(
      /unknown option --rounds/,
    );
  });

  it('counts Fastify with the three memory-store servers by default', () => {
    const options = parseInstructionOptions([], '/o');
    expect(options.frameworks).toEqual(['fastify']);
    expect(options.libraries).toEqual(['baseline', 'oncely', 'node-idempotency']);
    expect(options.outDir).toBe('/o');
  });
});

describe('instruction count table', () => {
  it('pairs each batch with the bare handler batch of the same index', () => {
    const spreadOf = (values: number[]) => ({
      median: [...values].sort((a, b) => a - b)[1] as number,
      min: Math.min(...values),
      max: Math.max(...values),
      count: values.length,
    });
    const results: InstructionResults = {
      date: '2026-12-03T00:00:00.000Z',
      seconds: 1,
      node: 'v20',
      valgrind: 'valgrind-3.19.0',
      settings: { warmupRequests: 1, requests: 1, batches: 3, connections: 1 },
      cases: [
        {
          library: 'baseline',
          framework: 'fastify',
          mode: 'unique',
          perRequest: [100, 200, 100],
          instructions: spreadOf([100, 200, 100]),
        },
        {
          library: 'oncely',
          framework: 'fastify',
          mode: 'unique',
          perRequest: [150, 260, 170],
          instructions: spreadOf([150, 260, 170]),
        },
      ],
    };
    // Paired: 50, 60, 70 (median 60), not the difference of medians (170 - 100 = 70).
    expect(instructionsMarkdown(results)).toContain(
      '| fastify | first executions | oncely | 170 (150–260) | 60 (50–70) | 1.70× |',
    );
  });
});

// valgrind is on every machine this project runs on; without it this must not pass quietly.
const valgrind = await probeService('valgrind', async () => {
  const result = spawnSync('valgrind', ['--version']);
  if (result.error) throw result.error;
});

describe.skipIf(!valgrind.available)('pnpm instructions on a tiny workload', () => {
  let out: string;
  let results: InstructionResults;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'oncely-instructions-'));
    results = await runInstructions(
      [
        '--libraries',
        'baseline,oncely',
        '--warmup',
        '40',
        '--requests',
        '20',
        '--batches',
        '2',
        '--out',
        out,
      ],
      () => {},
    );
  });

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('counts every server, key mode and batch under callgrind and writes the table', async () => {
    const counted = results.cases.map((c) => `${c.library} ${c.mode}`).sort();
    expect(counted).toEqual([
      'baseline repeated',
      'baseline unique',
      'oncely repeated',
      'oncely unique',
    ]);
    for (const c of results.cases) {
      expect(c.perRequest).toHaveLength(2);
      // Answering one HTTP request takes node tens of thousands of instructions at least; a
      // count near zero would mean no dump of the batch was read,
      // and one in the hundreds of millions, that they were not zeroed after node started.
      for (const count of c.perRequest) {
        expect(count).toBeGreaterThan(10_000);
        expect(count).toBeLessThan(20_000_000);
      }
    }
    const written = JSON.parse(await readFile(join(out, 'instructions.json'), 'utf8'));
    expect(written.cases).toHaveLength(4);
    const table = await readFile(join(out, 'INSTRUCTIONS.md'), 'utf8');
    expect(table).toMatch(
      /\| fastify \| replays \| oncely \| [\d,]+ \([\d,]+–[\d,]+\) \| -?[\d,]+ /,
    );
  });
});
