import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinnedCommand, recordObserved } from './pinning.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Node flags for every worker: TypeScript through tsx, a callable GC (which changes no GC setting). */
const NODE_FLAGS = ['--import', 'tsx', '--expose-gc'];

/**
 * Start `workers/<name>.ts` as a child process with its job as argument, on the CPUs of the
 * server under test when the run is pinned (through `taskset -c`, which execs node, so the IPC
 * channel and the pid are node's own).
 */
export function startWorker(name: string, job: unknown, flags: string[] = []): ChildProcess {
  const script = `${here}workers/${name}.ts`;
  const execArgv = [...NODE_FLAGS, ...flags];
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  const pinned = pinnedCommand('subject', process.execPath, [
    ...execArgv,
    script,
    JSON.stringify(job),
  ]);
  if (pinned.command === process.execPath) {
    return fork(script, [JSON.stringify(job)], { execArgv, stdio });
  }
  return spawn(pinned.command, pinned.args, { stdio });
}

/** Wait for the next message of `type` from a worker (or its death, which rejects). */
export function nextMessage<T>(child: ChildProcess, type: string, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`worker sent no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker exited with code ${code} before sending "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Run a worker to completion and return its result (and note the CPUs it reported running on). */
export async function runWorker<T>(name: string, job: unknown, flags: string[] = []): Promise<T> {
  const child = startWorker(name, job, flags);
  const message = await nextMessage<{ result: T; cpus?: string }>(child, 'result');
  recordObserved('workers', message.cpus);
  return message.result;
}

/** Stop a worker we started, and wait until it is gone. */
export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}
