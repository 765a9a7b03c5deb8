import type { ClientSurface, CorkableStream } from './client.js';

/**
 * Sends every command the store issues in one turn of the event loop in one socket write.
 * ioredis writes each command to the socket on its own, so each costs a `write` here and, as
 * often, a wake-up, a `read` and a reply `write` in Redis: that, not the command, is most of
 * what a replay costs Redis. The socket is corked at the first command and uncorked by
 * `setImmediate`, which runs once the poll phase has run every I/O callback that was ready. An
 * HTTP server parses each request in a callback of its own in that phase, so the commands of
 * all the requests that arrived together (and of all the replies ioredis parsed in one read)
 * leave in one `writev`, in the order they were sent. Nothing waits for I/O or a timer: a
 * pending immediate makes the poll phase return at once, so a lone command leaves in the same
 * loop turn. (`process.nextTick` flushed after each callback instead: over HTTP, one write per
 * request. See the README's "Cost per operation" for what each bought.)
 *
 * ioredis' own `enableAutoPipelining` also defers to setImmediate, but keeps one batch in flight
 * per connection, so a batch waits for the previous one's replies: first executions ran at half
 * the rate. Corking never holds a command behind a reply.
 *
 * A Cluster client sends each command over the connection of the node that serves its slot:
 * every node's socket is held (a command redirected later is written when it is resent, unheld).
 * A socket that closes while held drops what it held, as it would drop unsent writes; the
 * store's calls on it fail with StoreUnavailableError (connection.ts), and a reconnected client's
 * new socket is not held.
 */
export class TickWrites {
  private corked: CorkableStream[] | undefined;
  private readonly flush = (): void => {
    const streams = this.corked;
    this.corked = undefined;
    // Uncorks the sockets that were corked, even if the client has moved on to new ones.
    if (streams) for (const stream of streams) stream.uncork();
  };

  constructor(private readonly client: ClientSurface) {}

  /** Call just before a command is written on a ready client. */
  hold(): void {
    if (this.corked) return;
    const clients = this.client.isCluster ? (this.client.nodes?.('all') ?? []) : [this.client];
    const streams: CorkableStream[] = [];
    for (const { stream } of clients) {
      if (!stream || typeof stream.cork !== 'function' || typeof stream.uncork !== 'function')
        continue;
      stream.cork();
      streams.push(stream);
    }
    if (streams.length === 0) return;
    this.corked = streams;
    setImmediate(this.flush);
  }
}
