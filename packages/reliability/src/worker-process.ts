import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WORKER_ENV, type WorkerConfig, type WorkerMessage } from './worker-config.js';

const WORKER_FILE = fileURLToPath(new URL('./worker.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Workers still running, killed by PID when this process exits however it exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
});

/** A worker child process as the parent sees it: its URL, its PID and what it reported. */
export class WorkerProcess {
  readonly messages: WorkerMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return !this.exited;
  }

  static async start(
    name: string,
    config: WorkerConfig,
    timeoutMs = 30_000,
  ): Promise<WorkerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_FILE], {
      cwd: PACKAGE_DIR,
      env: {
        ...process.env,
        [WORKER_ENV]: JSON.stringify(config),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let worker: WorkerProcess | undefined;
    const early: WorkerMessage[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        stopChild(child);
        reject(new Error(`worker ${name} did not listen within ${timeoutMs} ms: ${stderr}`));
      }, timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        running.delete(child);
        if (worker) worker.gone();
        else
          reject(
            new Error(`worker ${name} exited (${signal ?? code}) before listening: ${stderr}`),
          );
      });
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        let message: WorkerMessage;
        try {
          message = JSON.parse(line) as WorkerMessage;
        } catch {
          return; // not ours (a library printing)
        }
        if (message.type === 'listening') {
          clearTimeout(timer);
          resolve(message.port);
        } else if (worker) worker.receive(message);
        else early.push(message);
      });
    });
    worker = new WorkerProcess(name, child, `http://127.0.0.1:${port}`);
    for (const message of early) worker.receive(message);
    return worker;
  }

  private receive(message: WorkerMessage): void {
    this.messages.push(message);
    for (const wake of this.waiters) wake();
  }

  private gone(): void {
    this.exited = true;
    for (const wake of this.waiters) wake();
  }

  /** Resolve with the first message that matches, waiting up to `timeoutMs` for it. */
  waitFor(
    what: string,
    match: (message: WorkerMessage) => boolean,
    timeoutMs = 15_000,
  ): Promise<WorkerMessage> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.messages.find(match);
        if (!found) return false;
        finish();
        resolve(found);
        return true;
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = (): void => {
        if (check()) return;
        if (this.exited) {
          finish();
          reject(new Error(`worker ${this.name} exited while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`worker ${this.name}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(wake);
      wake();
    });
  }

  /** Kill it outright (a crash: no cleanup runs) and wait until it is gone. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    process.kill(this.pid, 'SIGKILL');
    await gone;
  }

  /** Freeze it: timers, heartbeats and sockets all stand still until `resume`. */
  pause(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  /** Stop it by PID, also when paused. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    stopChild(this.child);
    await gone;
  }
}

function stopChild(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  // SIGKILL works on a stopped process too; these workers hold nothing worth a clean exit.
  process.kill(child.pid, 'SIGKILL');
}

/** Start several workers at once (each takes a second or so to boot). */
export function startWorkers(
  count: number,
  name: string,
  config: WorkerConfig,
): Promise<WorkerProcess[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => WorkerProcess.start(`${name}-${i + 1}`, config)),
  );
}

/** Stop every worker given, by PID, whatever state it is in. */
export async function stopWorkers(workers: readonly (WorkerProcess | undefined)[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker?.stop()));
}
