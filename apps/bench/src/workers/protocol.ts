import { allowedCpus } from '../pinning.js';

/** How a worker child process gets its job and hands back its result (over the IPC channel). */
export function workerArguments<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('a worker needs its job as a JSON argument');
  return JSON.parse(raw) as T;
}

/** The result, with the CPUs this process was allowed to run on (so the results can say). */
export function reply<T>(result: T): void {
  if (!process.send) {
    console.log(JSON.stringify(result));
    return;
  }
  process.send({ type: 'result', result, cpus: allowedCpus() }, () => process.exit(0));
}

export function announce(message: Record<string, unknown>): void {
  process.send?.(message);
}
