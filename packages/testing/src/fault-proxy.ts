import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with one HTTP response on its way back to the client. */
export type ResponseFault =
  /** Deliver it. */
  | 'pass'
  /**
   * The server finished, the client never hears of it: the client's connection is reset (TCP
   * RST) instead of receiving the response.
   */
  | 'lose';

/** What the proxy does with a new client connection. */
export type ConnectionFault = 'pass' | 'reset';

export interface FaultProxyOptions {
  /** Called for every complete response the server sends, in order; default `pass`. */
  response?: (index: number) => ResponseFault;
  /** Called for every client connection before anything is forwarded; default `pass`. */
  connection?: (index: number) => ConnectionFault;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A TCP proxy between an HTTP client and server on loopback that injects the faults a network
 * makes: a connection reset before the request reached the server, and (the case idempotency
 * keys exist for) a response lost after the server produced it. It reads the server's bytes
 * as HTTP/1.1 responses framed by `Content-Length`, so it knows where each one ends.
 */
export class FaultProxy {
  readonly lost: number[] = [];
  responses = 0;
  connections = 0;
  resets = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(target: number, options: FaultProxyOptions = {}): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((client) => proxy?.accept(client, target, options));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('the proxy has no port');
    proxy = new FaultProxy(server, address.port);
    return proxy;
  }

  private accept(client: Socket, target: number, options: FaultProxyOptions): void {
    const index = this.connections++;
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if ((options.connection?.(index) ?? 'pass') === 'reset') {
      this.resets++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: target });
    this.sockets.add(upstream);
    upstream.once('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => undefined);
    client.once('close', () => upstream.destroy());
    client.pipe(upstream);
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const length = responseLength(pending);
        if (length === undefined) return;
        const response = pending.subarray(0, length);
        pending = pending.subarray(length);
        const n = this.responses++;
        if ((options.response?.(n) ?? 'pass') === 'lose') {
          this.lost.push(n);
          client.resetAndDestroy();
          upstream.destroy();
          return;
        }
        client.write(response);
      }
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The length of the first whole response in `bytes`, or `undefined` while it is incomplete. */
function responseLength(bytes: Buffer): number | undefined {
  const end = bytes.indexOf(HEADER_END);
  if (end === -1) return undefined;
  const head = bytes.subarray(0, end).toString('latin1');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
  if (!status) throw new Error(`the proxy cannot read this response: ${head.slice(0, 80)}`);
  const bodyStart = end + HEADER_END.length;
  if (status === 204 || status === 304 || status < 200) return bodyStart;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
  if (length === undefined) {
    throw new Error('the proxy reads responses framed by Content-Length only (no chunked bodies)');
  }
  const total = bodyStart + Number(length);
  return bytes.length >= total ? total : undefined;
}
