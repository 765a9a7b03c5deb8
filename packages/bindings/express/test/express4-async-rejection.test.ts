import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Reply, send } from '@oncely/http-scenarios';
import { afterEach, describe, expect, it } from 'vitest';

const APP = fileURLToPath(new URL('./fixtures/express4-rejecting-app.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start the app in its own process; resolves with its port and a way to await its lines. */
async function startApp(children: ChildProcess[]) {
  const child = spawn(process.execPath, [APP], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const waiting: { match: (line: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  let onPort: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => {
    onPort = resolve;
  });
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on(
    'line',
    (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (typeof line.port === 'number') onPort(line.port);
      for (const waiter of waiting.filter((w) => w.match(line))) waiter.resolve();
    },
  );
  const lineWhere = (match: (line: Record<string, unknown>) => boolean) =>
    new Promise<void>((resolve) => waiting.push({ match, resolve }));
  return { port: await port, lineWhere };
}

describe('a real Express 4 app whose async handler rejects', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.pid) process.kill(child.pid, 'SIGKILL');
  });

  it('does not keep the key forever: after maxRunTime a retry runs the handler again', async () => {
    const { port, lineWhere } = await startApp(children);
    const url = `http://127.0.0.1:${port}/charges`;
    const key = randomUUID();
    const rejected = lineWhere((line) => String(line.unhandled).includes('card service'));
    const client = new AbortController();
    const first = send(url, { key, body: { amount: 100 }, signal: client.signal }).catch(
      (error: unknown) => error,
    );
    await rejected; // Express 4 did not catch it: the first request will never be answered
    let retry: Reply | undefined;
    for (let i = 0; i < 400 && (retry === undefined || retry.status === 409); i++) {
      if (retry) await sleep(50);
      retry = await send(url, { key, body: { amount: 100 } });
    }
    expect(retry?.status).toBe(201);
    expect(retry?.json()).toEqual({ charge: 2 });
    expect(retry?.headers.get('idempotent-replayed')).toBeNull();
    client.abort();
    expect(await first).toBeInstanceOf(Error); // no answer ever came for the first request
  });
});
