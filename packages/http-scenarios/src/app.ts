import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/** What a scenario route answers, in terms every framework can send its own way. */
export type ScenarioBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; value: string }
  | { kind: 'bytes'; value: Buffer }
  | { kind: 'stream'; value: Readable }
  | { kind: 'empty' }
  /** The status alone: no body set, so the framework sends what it fills in by default. */
  | { kind: 'none' };

export interface ScenarioReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: ScenarioBody;
}

export interface ScenarioInput {
  method: string;
  /** The raw query string, without `?`. */
  query: string;
  /** The body as the framework's parser left it. */
  body: unknown;
  /** The request headers as the framework holds them (names in lower case). */
  headers?: Record<string, string | string[] | undefined>;
}

/** What the `per-client` route sets with a fixed `Date`, so a replay can tell it apart. */
export const PER_CLIENT_DATE = 'Wed, 21 Oct 2015 07:28:00 GMT';

/** Deterministic bytes for the stream route: the client can check every byte it gets. */
export function streamByte(index: number): number {
  return index % 251;
}

export const STREAM_CHUNK = 16 * 1024;

/** What the `encoded` route encodes: JSON long enough that every coding shrinks it. */
export const ENCODED_PLAIN = Buffer.from(
  JSON.stringify({ order: 'ord_1', lines: Array.from({ length: 40 }, (_, i) => `line ${i}`) }),
);

/** The codings the `encoded` route can apply itself; `x-unknown` stands for one with no decoder. */
const ENCODERS: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
  'x-unknown': (bytes) => Buffer.from(bytes).reverse(),
};

/**
 * The application behind every binding's test server: one handler per route name, mounted by
 * each binding at `/r/:name` for GET, POST, PATCH and PUT. Every answer carries `x-run: <n>`,
 * the count of runs of that route, so a client can tell a replay from a fresh run.
 */
export class ScenarioApp {
  private readonly counts = new Map<string, number>();
  private readonly holds = new Map<string, Promise<void>>();

  calls(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /**
   * Runs sent with `?hold=<id>` wait in the handler until the returned function is called, so
   * a test decides when a "still running" request ends instead of guessing with a delay.
   */
  hold(id: string): () => void {
    let release!: () => void;
    this.holds.set(id, new Promise((resolve) => (release = resolve)));
    return release;
  }

  async handle(name: string, input: ScenarioInput): Promise<ScenarioReply> {
    const run = this.calls(name) + 1;
    this.counts.set(name, run);
    const query = new URLSearchParams(input.query);
    const delay = Number(query.get('delay') ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    await this.holds.get(query.get('hold') ?? '');
    const headers: Record<string, string | string[]> = { 'x-run': String(run) };
    switch (name) {
      case 'order':
        return {
          status: 201,
          headers: {
            ...headers,
            'set-cookie': [`session=s${run}; Path=/`, `seen=${run}; Path=/`],
            'cache-control': 'private, max-age=0',
            'x-order-number': `ord_${run}`,
          },
          body: { kind: 'json', value: { order: run, method: input.method, received: input.body } },
        };
      case 'whoami': {
        // Echoes who asked, so a response that reached another principal shows it.
        const tenant = input.headers?.['x-tenant'];
        const apiKey = input.headers?.authorization;
        return {
          status: 201,
          headers: { ...headers, 'x-tenant-echo': encodeURIComponent(String(tenant ?? '')) },
          body: { kind: 'json', value: { tenant: tenant ?? null, apiKey: apiKey ?? null, run } },
        };
      }
      case 'per-client':
        // Headers that belong to this one response or connection, next to ones that do not.
        return {
          status: 201,
          headers: {
            ...headers,
            'set-cookie': [`session=s${run}; Path=/; HttpOnly`, `csrf=c${run}; Path=/`],
            date: PER_CLIENT_DATE,
            age: '42',
            'server-timing': `db;dur=${run}`,
            'retry-after': '7',
            'idempotent-replayed': 'false',
            connection: 'x-conn-scoped',
            'x-conn-scoped': `conn-${run}`,
            'keep-alive': 'timeout=999',
            'proxy-authenticate': 'Basic realm="proxy"',
            'proxy-x-hint': 'internal',
            upgrade: 'h2c',
            'cache-control': 'private, max-age=0',
            'x-order-number': `ord_${run}`,
          },
          body: { kind: 'json', value: { order: run } },
        };
      case 'fail':
        throw new Error(`handler failed on run ${run}`);
      case 'hang':
        // The first run never answers, as an Express 4 async handler that rejected.
        if (run === 1) await new Promise<never>(() => {});
        return { status: 201, headers, body: { kind: 'json', value: { run } } };
      case 'status': {
        const code = Number(query.get('code') ?? 200);
        return { status: code, headers, body: { kind: 'text', value: `status ${code}` } };
      }
      case 'text':
        return { status: 200, headers, body: { kind: 'text', value: `héllo, run ${run}` } };
      case 'binary': {
        const bytes = Buffer.alloc(1024);
        for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
        return { status: 200, headers, body: { kind: 'bytes', value: bytes } };
      }
      case 'empty':
        return { status: 200, headers, body: { kind: 'empty' } };
      case 'status-only': {
        const code = Number(query.get('code') ?? 200);
        return { status: code, headers, body: { kind: 'none' } };
      }
      case 'encoded': {
        // Encodes its own body (as a handler sending pre-compressed bytes does) with `coding`,
        // when the request accepts it, the way a compression middleware negotiates.
        const coding = query.get('coding') ?? 'gzip';
        const accepted = String(input.headers?.['accept-encoding'] ?? '').includes(coding);
        const encoded: Record<string, string> = accepted
          ? { 'content-encoding': coding, vary: 'Accept-Encoding' }
          : {};
        const bytes = accepted
          ? (ENCODERS[coding] as (b: Buffer) => Buffer)(ENCODED_PLAIN)
          : ENCODED_PLAIN;
        return {
          status: 201,
          headers: { ...headers, ...encoded },
          body: { kind: 'bytes', value: bytes },
        };
      }
      case 'stream': {
        const size = Number(query.get('size') ?? 0);
        return { status: 200, headers, body: { kind: 'stream', value: streamOf(size) } };
      }
      default:
        return { status: 404, headers, body: { kind: 'text', value: `no route ${name}` } };
    }
  }
}

function streamOf(size: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(STREAM_CHUNK, size - sent);
      const chunk = Buffer.alloc(length);
      for (let i = 0; i < length; i++) chunk[i] = streamByte(sent + i);
      sent += length;
      // Yield between chunks like a real producer, so the response is truly streamed.
      setImmediate(() => this.push(chunk));
    },
  });
}
