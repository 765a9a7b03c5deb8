/**
 * `pnpm --filter @oncely/bench instructions`: instructions per request of each library's HTTP
 * server, counted by callgrind. Where `pnpm bench` measures CPU time, which on a shared host
 * moves with what other guests do (hypervisor steal, wake-ups), an instruction count is the
 * same run after run on the same build; it is the figure to compare two builds by. It counts
 * user-space work only (not the kernel's socket calls), so it does not replace the bench's µs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextMessage, stopWorker } from '../child.js';
import { load, postOrder } from '../http/load.js';
import type { Framework, LibraryId } from '../libraries/types.js';
import { spread } from '../stats.js';
import { countDuring, removeDumps, startCounted, valgrindVersion } from './callgrind.js';
import { instructionsMarkdown } from './markdown.js';
import { type InstructionOptions, parseInstructionOptions } from './options.js';
import type { InstructionCase, InstructionResults, KeyMode } from './types.js';

const REPLAYED_KEYS = 50;

/** Count every case `argv` names; returns what was written. Used by the script and its test. */
export async function runInstructions(
  argv: string[],
  log: (line: string) => void = console.log,
): Promise<InstructionResults> {
  const options = parseInstructionOptions(
    argv,
    fileURLToPath(new URL('../../results', import.meta.url)),
  );
  const valgrind = valgrindVersion();
  if (!valgrind) throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
  const started = Date.now();
  const jobs: Array<[LibraryId, Framework]> = [];
  for (const framework of options.frameworks)
    for (const library of options.libraries) jobs.push([library, framework]);
  // A count moves only a few percent with load (README), so servers are counted side by side,
  // `parallel` at a time; runs to compare should use the same `parallel`.
  const cases: InstructionCase[] = [];
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.min(options.parallel, jobs.length) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        cases.push(...(await measureServer(job[0], job[1], options, log)));
      }
    }),
  );
  const results: InstructionResults = {
    date: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    node: process.version,
    valgrind,
    settings: {
      warmupRequests: options.warmupRequests,
      requests: options.requests,
      batches: options.batches,
      connections: options.connections,
    },
    cases,
  };
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'instructions.json'), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = instructionsMarkdown(results);
  writeFileSync(join(options.outDir, 'INSTRUCTIONS.md'), markdown);
  log(`\n${markdown}`);
  return results;
}

async function measureServer(
  library: LibraryId,
  framework: Framework,
  options: InstructionOptions,
  log: (line: string) => void,
): Promise<InstructionCase[]> {
  const prefix = `ins-${library}-${framework}-${process.pid}`;
  const worker = startCounted('http-server', {
    library,
    framework,
    target: { kind: 'memory', prefix },
  });
  try {
    const { port } = await nextMessage<{ port: number }>(worker.child, 'ready', 300_000);
    const cases: InstructionCase[] = [];
    let sent = 0;
    const fresh = () => `${prefix}-${sent++}`;
    const seeds: string[] = [];
    for (let i = 0; i < REPLAYED_KEYS; i++) seeds.push(`${prefix}-replayed-${i}`);
    const replayed = () => seeds[sent++ % REPLAYED_KEYS] as string;
    for (const mode of ['unique', 'repeated'] as KeyMode[]) {
      if (mode === 'repeated') for (const key of seeds) await postOrder(port, key);
      const nextKey = mode === 'unique' ? fresh : replayed;
      const send = async (amount: number) => {
        const result = await load({ port, amount, connections: options.connections, nextKey });
        if (result.errors > 0) throw new Error(`${library} ${framework}: ${result.errors} errors`);
      };
      // The JIT settles over the first thousands of requests; none of them are counted.
      await send(options.warmupRequests);
      const perRequest: number[] = [];
      for (let batch = 0; batch < options.batches; batch++) {
        const total = await countDuring(worker, () => send(options.requests));
        perRequest.push(total / options.requests);
      }
      cases.push({ library, framework, mode, perRequest, instructions: spread(perRequest) });
      log(
        `${framework} ${library} ${mode}: ${perRequest.map((n) => Math.round(n)).join(' ')} instructions/request`,
      );
    }
    return cases;
  } finally {
    // Also when the worker died: stopWorker returns at once for a child that already exited.
    await stopWorker(worker.child);
    removeDumps(worker);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runInstructions(process.argv.slice(2));
}
