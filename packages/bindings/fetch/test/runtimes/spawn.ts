import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { decode } from './wire.js';

/**
 * A child server process that prints `{"url": ...}` on its first line once it listens, or
 * `{"error": ...}` (the error it failed with, as `encode` wrote it) when it could not start.
 */
export async function spawnServer(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${command} exited with ${code} before listening`)),
    );
    lines.once('line', (line) => {
      const started = JSON.parse(line) as { url: string } | { error: string };
      if ('url' in started) resolve(started.url);
      else reject(decode(started.error));
    });
  });
  return { url, child };
}

/** Stop a child and wait until it is gone. */
export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
