import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** `on`: pin or fail; `off`: never; `auto`: pin where possible, else say why not. */
export type PinMode = 'on' | 'off' | 'auto';

/**
 * Which CPUs the processes of a run were given, and what the kernel said they ran on.
 * The server under test (and every worker that measures a library in-process) gets
 * `subjectCpus`; the load generator (this process, where autocannon runs) and the dedicated
 * Redis get `loadCpus`, so neither takes CPU from the server it measures.
 */
export interface Pinning {
  mode: PinMode;
  applied: boolean;
  /** Why pinning is off, when it is. */
  reason?: string;
  tool?: string;
  subjectCpus: number[];
  loadCpus: number[];
  /** Cpus_allowed_list from /proc, read from the processes themselves after they started. */
  observed: { loadGenerator?: string; redis?: string; servers: string[]; workers: string[] };
}

/** Parse a kernel CPU list ("0-2,5") into CPU numbers. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    if (!part) continue;
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The CPUs a process may run on, as the kernel reports them (Linux). */
export function allowedCpus(pid: number | 'self' = 'self'): string | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
  } catch {
    return undefined;
  }
}

function tasksetVersion(): string | undefined {
  const result = spawnSync('taskset', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim() || 'taskset';
}

function setAffinity(pid: number, cpus: number[] | string): void {
  const list = Array.isArray(cpus) ? cpus.join(',') : cpus;
  // -a: every thread of the process (V8's and libuv's too), not only the main one.
  const result = spawnSync('taskset', ['-a', '-pc', list, String(pid)], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `taskset -a -pc ${list} ${pid} failed: ${result.error?.message ?? result.stderr.trim()}`,
    );
  }
}

let current: Pinning | undefined;
let originalAffinity: string | undefined;

/** What the run's processes are pinned to (or why not); set up by `setUpPinning`. */
export function pinning(): Pinning | undefined {
  return current;
}

/**
 * Decide the CPUs and pin this process (the load generator) to its share. The server gets the
 * last allowed CPU, everything else the rest. Throws, with the reason, when `on` cannot pin.
 */
export function setUpPinning(mode: PinMode): Pinning {
  current = decide(mode);
  return current;
}

function decide(mode: PinMode): Pinning {
  const off = (reason: string): Pinning => {
    if (mode === 'on') {
      throw new Error(
        `--pin on: cannot pin the server and the load generator to separate CPUs: ${reason}. Run with --pin off to measure unpinned (the results then say so).`,
      );
    }
    return {
      mode,
      applied: false,
      reason,
      subjectCpus: [],
      loadCpus: [],
      observed: { servers: [], workers: [] },
    };
  };
  if (mode === 'off') return off('--pin off');
  if (process.platform !== 'linux')
    return off(`taskset is Linux-only (this is ${process.platform})`);
  const tool = tasksetVersion();
  if (!tool) return off('taskset (util-linux) is not on the PATH');
  const own = allowedCpus();
  if (!own) return off('/proc/self/status has no Cpus_allowed_list');
  const cpus = parseCpuList(own);
  if (cpus.length < 2) return off(`this process may use only CPU ${own}`);
  const subjectCpus = cpus.slice(-1);
  const loadCpus = cpus.slice(0, -1);
  originalAffinity = own;
  setAffinity(process.pid, loadCpus);
  return {
    mode,
    applied: true,
    tool,
    subjectCpus,
    loadCpus,
    observed: { loadGenerator: allowedCpus(), servers: [], workers: [] },
  };
}

/** Give this process its CPUs back (the smoke test runs the bench inside vitest). */
export function releasePinning(): void {
  if (current?.applied && originalAffinity) setAffinity(process.pid, originalAffinity);
  current = undefined;
  originalAffinity = undefined;
}

/**
 * The command that starts `command args` on `role`'s CPUs: `taskset -c LIST command args`
 * when pinning is on (taskset execs the command, so the pid is the command's), else as is.
 */
export function pinnedCommand(
  role: 'subject' | 'load',
  command: string,
  args: string[],
): { command: string; args: string[] } {
  if (!current?.applied) return { command, args };
  const cpus = role === 'subject' ? current.subjectCpus : current.loadCpus;
  return { command: 'taskset', args: ['-c', cpus.join(','), command, ...args] };
}

/**
 * Note the CPUs a process really has, for the results: `cpus` as the process reported it from
 * its own /proc entry once running (workers), or read here from its pid (Redis).
 */
export function recordObserved(
  kind: 'redis' | 'servers' | 'workers',
  cpus: string | number | undefined,
): void {
  if (!current || cpus === undefined) return;
  const list = typeof cpus === 'number' ? (allowedCpus(cpus) ?? 'unknown') : cpus;
  if (kind === 'redis') current.observed.redis = list;
  else if (!current.observed[kind].includes(list)) current.observed[kind].push(list);
}
