import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url));

/** One API server running as a child process, so the client can kill it for real. */
export class ApiProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** The server's start-up line: its URL, store and provider. */
    readonly banner: string,
  ) {}

  get port(): number {
    return Number(new URL(this.url).port);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Start `src/server.ts` with tsx on `port` (0: any free loopback port) and wait for its
   * `listening on` line. A process that exits first fails with its stderr.
   */
  static async start(env: NodeJS.ProcessEnv, port = 0): Promise<ApiProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', serverFile], {
      cwd: appDir,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const banner = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const onData = (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const line = /^listening on .*$/m.exec(stdout)?.[0];
        if (line) {
          child.stdout?.off('data', onData);
          child.off('exit', onExit);
          resolve(line);
        }
      };
      const onExit = (code: number | null) =>
        reject(new Error(`the API process exited (code ${code}) before listening:\n${stderr}`));
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
    });
    child.stdout?.resume(); // keep draining its output so it never blocks on a full pipe
    const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1] ?? '';
    return new ApiProcess(child, url, banner);
  }

  /** A real crash: SIGKILL, no shutdown hooks, no goodbye to open connections. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  /** A clean stop: SIGTERM, the server closes its store client and exits. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
