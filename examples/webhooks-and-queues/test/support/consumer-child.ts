import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CONSUMER_ENV, type ConsumerConfig, type ConsumerLine } from './consumer-config.js';

const ENTRY = fileURLToPath(new URL('./consumer-process.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Children still running, killed by PID if the test process exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
});

/** A consumer process as the test sees it: what it printed and how it ended. */
export class ConsumerChild {
  readonly lines: ConsumerLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly ready: Promise<void>;
  private stderr = '';

  constructor(
    readonly config: ConsumerConfig,
    onLine: (line: ConsumerLine, child: ConsumerChild) => void,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, [CONSUMER_ENV]: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    let onReady = () => {};
    this.ready = new Promise((resolve) => {
      onReady = resolve;
    });
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      const line = JSON.parse(text) as ConsumerLine;
      this.lines.push(line);
      if (line.e === 'ready') onReady();
      onLine(line, this);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        resolve({ code, signal });
      });
    });
  }

  private readonly child: ChildProcess;

  get alive(): boolean {
    return running.has(this.child);
  }

  /** Whether it died by its own planned SIGKILL. */
  get selfKilled(): boolean {
    return this.lines.some((line) => line.e === 'kill');
  }

  /** What it wrote to stderr (for a failure message). */
  get errors(): string {
    return this.stderr;
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  /** Ask it to stop (close its broker connection, so the broker requeues what it held). */
  async stop(): Promise<void> {
    // A consumer still starting has no SIGTERM handler yet: let it get ready first.
    await Promise.race([this.ready, this.exited]);
    if (this.alive) this.child.kill('SIGTERM');
    await this.exited;
  }
}
