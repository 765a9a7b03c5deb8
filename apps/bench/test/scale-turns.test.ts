import { describe, expect, it } from 'vitest';
import { measureMemoryInTurns } from '../src/scenarios/scale.js';
import { stepRatio } from '../src/targets.js';
import type { ScalePoint } from '../src/workers/scale.js';

describe('scale: memory steps measured in turns', () => {
  it('holds each step in its own worker and gives every step its blocks over the same turns', async () => {
    const points = await measureMemoryInTurns({
      library: 'oncely',
      target: { kind: 'memory', redisUrl: '', prefix: 'scale-turns-test' },
      steps: [1_000, 3_000],
      fillHere: true,
      operations: 200,
      samples: 6,
      blocks: 3,
    });
    expect(points.map((p) => p.records)).toEqual([1_000, 3_000]);
    for (const point of points) {
      // Each store stays at its own step: at most one sample of first executions above it.
      expect(point.recordsAtMost).toBeGreaterThanOrEqual(point.records);
      expect(point.recordsAtMost).toBeLessThanOrEqual(point.records + 200);
      for (const blocks of [point.firstBlocks, point.replayBlocks]) {
        expect(blocks).toHaveLength(3);
        for (const rate of blocks ?? []) expect(rate).toBeGreaterThan(0);
      }
      expect(point.first.count).toBe(3);
    }
  }, 120_000);
});

describe('scale: the ratio between two steps', () => {
  const point = (records: number, blocks?: number[]): ScalePoint => ({
    records,
    recordsAtMost: records,
    first: { median: 100, min: 50, max: 200, count: 3 },
    replay: { median: 100, min: 50, max: 200, count: 3 },
    ...(blocks ? { firstBlocks: blocks, replayBlocks: blocks } : {}),
    fillSeconds: 0,
  });

  it('pairs the blocks of one round when both steps were measured in turns', () => {
    // A slow round slows both steps: paired, the ratio stays 0.5 however the host moved.
    const ratio = stepRatio(point(1_000, [100, 40, 200]), point(1_000_000, [50, 20, 100]), 'first');
    expect(ratio).toEqual({ median: 0.5, min: 0.5, max: 0.5, count: 3 });
  });

  it('falls back to median over median, with the widest range, for steps measured apart', () => {
    const ratio = stepRatio(point(1_000), point(1_000_000), 'replay');
    expect(ratio).toEqual({ median: 1, min: 0.25, max: 4, count: 3 });
  });
});
