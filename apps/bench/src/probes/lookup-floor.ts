/**
 * How much of target 4's replay gap is the machine: the cost of one random lookup as a store
 * grows from 1e3 to 1e6 records, for a bare `Map` of strings and for `@oncely/memory`'s replay
 * (`acquire` of a completed key), side by side.
 *
 *   pnpm --filter @oncely/bench exec tsx src/probes/lookup-floor.ts [rounds]
 *
 * Each step runs in its own process (so no step's heap slows another's GC), the steps take
 * turns round by round, and each process runs on the last CPU it may use. Prints ns per lookup,
 * median (min-max) over the rounds, and writes them to `results/lookup-floor.json`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MemoryStore } from '@oncely/memory';
import { ONCELY_MEMORY_BOUNDS } from '../libraries/oncely.js';
import { type Spread, spread } from '../stats.js';

const STEPS = [1_000, 10_000, 100_000, 1_000_000];
const LOOKUPS = 400_000;
/** About what a completed order takes in oncely's store (results: 559 bytes per record). */
const RESULT = Buffer.alloc(300, 0x78);
const keyOf = (i: number) => `oncely::scale:g1:${i}`;

interface StepFigures {
  mapNs: number;
  storeReplayNs: number;
}

/** One step, in this process: fill both, then time random lookups over the whole of each. */
async function measureStep(records: number): Promise<StepFigures> {
  const map = new Map<string, string>();
  const value = 'x'.repeat(RESULT.length + 100);
  for (let i = 0; i < records; i++) map.set(keyOf(i), `${value}${i}`.slice(0));
  const store = new MemoryStore(ONCELY_MEMORY_BOUNDS);
  const input = (i: number) => ({
    key: keyOf(i),
    fingerprint: 'a'.repeat(64),
    token: `token-${i}`,
    leaseMs: 30_000,
    ttlMs: 86_400_000,
  });
  for (let i = 0; i < records; i++) {
    const acquired = await store.acquire(input(i));
    if (!acquired.acquired) throw new Error(`key ${i} was not new`);
    await store.complete({ ...input(i), fence: acquired.fence, result: RESULT });
  }
  let seen = 0;
  const timeMap = () => {
    const started = process.hrtime.bigint();
    for (let n = 0; n < LOOKUPS; n++) {
      seen += (map.get(keyOf(Math.floor(Math.random() * records))) as string).length;
    }
    return Number(process.hrtime.bigint() - started) / LOOKUPS;
  };
  const timeStore = async () => {
    const started = process.hrtime.bigint();
    for (let n = 0; n < LOOKUPS; n++) {
      const found = await store.acquire(input(Math.floor(Math.random() * records)));
      if (found.acquired || found.record.state !== 'completed') throw new Error('not a replay');
      seen += found.record.result.byteLength;
    }
    return Number(process.hrtime.bigint() - started) / LOOKUPS;
  };
  // The first pass of each warms the JIT; the second is the figure.
  timeMap();
  await timeStore();
  const figures = { mapNs: timeMap(), storeReplayNs: await timeStore() };
  if (seen === 0) throw new Error('nothing was read');
  return figures;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--step') {
  process.stdout.write(JSON.stringify(await measureStep(Number(process.argv[3]))));
} else {
  const rounds = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('rounds must be a positive integer');
  const cpu = String(availableParallelism() - 1);
  const taken = new Map<number, StepFigures[]>(STEPS.map((step) => [step, []]));
  for (let round = 0; round < rounds; round++) {
    // Each round starts one step further along, so no step always runs first.
    for (let s = 0; s < STEPS.length; s++) {
      const step = STEPS[(s + round) % STEPS.length] as number;
      const run = spawnSync(
        'taskset',
        ['-c', cpu, process.execPath, '--import', 'tsx', self, '--step', String(step)],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (run.status !== 0) throw new Error(`step ${step} failed: ${run.stderr || run.error}`);
      taken.get(step)?.push(JSON.parse(run.stdout) as StepFigures);
    }
  }
  const show = (s: Spread) => `${s.median.toFixed(0)} (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;
  const rows = STEPS.map((step) => {
    const figures = taken.get(step) ?? [];
    return {
      records: step,
      mapNs: spread(figures.map((f) => f.mapNs)),
      storeReplayNs: spread(figures.map((f) => f.storeReplayNs)),
    };
  });
  console.log(`ns per random lookup, median (min-max) over ${rounds} rounds, on CPU ${cpu}`);
  console.log('records     bare Map get     @oncely/memory replay');
  for (const row of rows) {
    console.log(
      `${String(row.records).padEnd(11)} ${show(row.mapNs).padEnd(16)} ${show(row.storeReplayNs)}`,
    );
  }
  const out = fileURLToPath(new URL('../../results/lookup-floor.json', import.meta.url));
  writeFileSync(
    out,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), rounds, rows }, null, 2)}\n`,
  );
  console.log(`written to ${out}`);
}
