import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workers = fileURLToPath(new URL('../workers/', import.meta.url));

/** A worker running under valgrind's callgrind, which counts the instructions it executes. */
export interface CountedWorker {
  child: ChildProcess;
  /** Where callgrind writes its dumps for this worker. */
  dir: string;
}

/** The valgrind version, or undefined when valgrind is not installed. */
export function valgrindVersion(): string | undefined {
  const result = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim();
}

/**
 * Start `workers/<name>.ts` under callgrind. valgrind runs node in its own process (same pid),
 * so the IPC channel is node's as with `fork`. Every thread is counted (V8's compiler and GC
 * helpers too): their work is CPU the server spends.
 */
export function startCounted(name: string, job: unknown): CountedWorker {
  const dir = mkdtempSync(join(tmpdir(), 'oncely-callgrind-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
      process.execPath,
      '--import',
      'tsx',
      `${workers}${name}.ts`,
      JSON.stringify(job),
    ],
    // valgrind's own messages go to stderr; only a failure needs them.
    { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  child.once('exit', (code) => {
    if (code) process.stderr.write(`callgrind worker exited with ${code}:\n${log}\n`);
  });
  return { child, dir };
}

function control(pid: number, flag: '--zero' | '--dump'): void {
  const result = spawnSync('callgrind_control', [flag, String(pid)], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `callgrind_control ${flag} ${pid} failed: ${result.error?.message ?? result.stderr}`,
    );
  }
}

/** The `totals:` line of a callgrind dump: instructions executed since the last zero. */
export function dumpTotal(text: string): number {
  const match = /^totals:\s+(\d+)/m.exec(text) ?? /^summary:\s+(\d+)/m.exec(text);
  if (!match) throw new Error('a callgrind dump without totals');
  return Number(match[1]);
}

/** Instructions the worker executes while `work` runs: counters zeroed before, dumped after. */
export async function countDuring(
  worker: CountedWorker,
  work: () => Promise<void>,
): Promise<number> {
  const pid = worker.child.pid;
  if (pid === undefined) throw new Error('the callgrind worker has no pid');
  control(pid, '--zero');
  await work();
  control(pid, '--dump');
  // Each dump is a new file, callgrind.out.<n>; read it and remove it.
  const dumps = readdirSync(worker.dir).filter((file) => /^callgrind\.out\.\d+$/.test(file));
  if (dumps.length !== 1) throw new Error(`expected one new callgrind dump, found ${dumps.length}`);
  const file = join(worker.dir, dumps[0] as string);
  const total = dumpTotal(readFileSync(file, 'utf8'));
  rmSync(file);
  return total;
}

export function removeDumps(worker: CountedWorker): void {
  rmSync(worker.dir, { recursive: true, force: true });
}
