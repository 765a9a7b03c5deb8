import type { ClientSurface, CorkableStream } from './client.js';

/**
 * Sends every command the store issues in one tick in one socket write. ioredis writes each
 * command to the socket on its own, so 16 requests in flight cost 16 `write` syscalls here and,
 * as often, 16 reads, 16 event-loop passes and 16 reply writes in Redis; node-redis coalesces a
 * tick's commands, and so does this. The socket is corked at the first command of a tick and
 * uncorked on `process.nextTick`, which runs once the current callback and its promise jobs are
 * done: nothing waits for I/O or a timer, the commands go out in the order they were sent, and
 * Node hands them to the kernel in one `writev`.
 *
 * Measured with bench/cost.ts (16 in flight): Redis CPU per replay 10.5 → 3.0 µs, per first
 * execution 30 → 26 µs; this process' CPU per replay 20 → 15 µs. ioredis' own
 * `enableAutoPipelining` batches too, but defers to setImmediate and keeps one batch in flight
 * per connection, so a batch waits for the previous one's replies: first executions ran at half
 * the rate.
 *
 * Standalone clients only: a Cluster routes each command to a node's connection, sometimes after
 * a redirection, so there is no one socket to hold.
 */
export class TickWrites {
  private corked: CorkableStream | undefined;
  private readonly flush = (): void => {
    const stream = this.corked;
    this.corked = undefined;
    // Uncorks the stream that was corked, even if the client has moved on to a new one.
    stream?.uncork();
  };

  constructor(private readonly client: ClientSurface) {}

  /** Call just before a command is written on a ready client. */
  hold(): void {
    if (this.corked || this.client.isCluster) return;
    const stream = this.client.stream;
    if (!stream || typeof stream.cork !== 'function' || typeof stream.uncork !== 'function') return;
    stream.cork();
    this.corked = stream;
    process.nextTick(this.flush);
  }
}
