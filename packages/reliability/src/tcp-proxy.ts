import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback between the workers and a store: it can add latency to every chunk
 * in both directions (order kept), and it can be closed (every connection cut, new ones
 * refused) and opened again on the same port, to cut a store off without stopping its server.
 */
export class TcpProxy {
  /** Added to every chunk, each way. Changing it applies to chunks that arrive afterwards. */
  delayMs = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const probe = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port));
    });
    await new Promise((resolve) => probe.close(resolve));
    const proxy = new TcpProxy(port, target);
    await proxy.open();
    return proxy;
  }

  /** Accept connections again (after `cut`), on the same port. */
  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Cut every connection and refuse new ones, as if the store's host went away. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  stop(): Promise<void> {
    return this.cut();
  }

  private pipe(client: Socket): void {
    const upstream = connect({ host: this.target.host, port: this.target.port });
    this.track(client);
    this.track(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /**
   * Copy `from` to `to`, each chunk held `delayMs` from its arrival. One queue and one timer per
   * direction, so chunks leave strictly in arrival order (separate timers may fire out of order).
   */
  private forward(from: Socket, to: Socket): void {
    const queue: { at: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && (queue[0] as { at: number }).at <= now) {
        const { chunk } = queue.shift() as { chunk: Buffer };
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length > 0) {
        timer = setTimeout(pump, Math.max(1, (queue[0] as { at: number }).at - now));
      }
    };
    from.on('data', (chunk: Buffer) => {
      if (this.delayMs <= 0 && queue.length === 0) {
        to.write(chunk);
        return;
      }
      queue.push({ at: performance.now() + this.delayMs, chunk });
      if (timer === undefined) pump();
    });
    from.once('close', () => clearTimeout(timer));
  }
}
