import { Worker } from 'node:worker_threads';
import { decode, encode } from '../wire.js';

/**
 * Calls to the test process's control server. `call` is asynchronous; `callSync` blocks this
 * thread until the answer is there (a worker thread makes the request), for what the engine
 * needs at once: a fingerprint, the store policy's answer, an event delivered before the
 * response goes out, as it is in one process.
 */
export class ControlClient {
  private readonly worker = new Worker(new URL('./sync-worker.ts', import.meta.url));
  private readonly shared = new SharedArrayBuffer(8 + 4 * 1024 * 1024);
  private readonly state = new Int32Array(this.shared, 0, 2);

  constructor(private readonly base: string) {
    this.worker.unref();
  }

  async call(path: string, args: unknown[]): Promise<unknown> {
    const answer = await fetch(`${this.base}${path}`, { method: 'POST', body: encode(args) });
    return unwrap(((await answer.json()) as { wire: string }).wire);
  }

  callSync(path: string, args: unknown[]): unknown {
    Atomics.store(this.state, 0, 0);
    this.worker.postMessage({
      url: `${this.base}${path}`,
      body: encode(args),
      shared: this.shared,
    });
    Atomics.wait(this.state, 0, 0);
    const text = new TextDecoder().decode(new Uint8Array(this.shared, 8, this.state[1]).slice());
    return unwrap((JSON.parse(text) as { wire: string }).wire);
  }

  /** The scenario app's answer: status, headers and kind from `x-reply`, the body as sent. */
  async handle(name: string, input: unknown): Promise<unknown> {
    const answer = await fetch(`${this.base}/handle/${name}`, {
      method: 'POST',
      body: encode([input]),
    });
    const failure = answer.headers.get('x-error');
    if (failure !== null) throw decode(decodeURIComponent(failure));
    const meta = JSON.parse(decodeURIComponent(answer.headers.get('x-reply') ?? '{}'));
    return { ...meta, body: await bodyOf(meta.kind, answer) };
  }
}

async function bodyOf(kind: string, answer: Response): Promise<unknown> {
  if (kind === 'json') return { kind, value: decode<unknown[]>(await answer.text())[0] };
  if (kind === 'text') return { kind, value: await answer.text() };
  if (kind === 'bytes') return { kind, value: Buffer.from(await answer.arrayBuffer()) };
  if (kind === 'stream') {
    const { Readable } = await import('node:stream');
    return { kind, value: Readable.fromWeb(answer.body as never) };
  }
  await answer.body?.cancel();
  return { kind };
}

function unwrap(wire: string): unknown {
  const { value, error } = decode<{ value?: unknown; error?: unknown }>(wire);
  if (error !== undefined) throw error;
  return value;
}
