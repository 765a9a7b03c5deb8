import { StoreUnavailableError } from '@oncely/core';
import type { ClientSurface } from './client.js';
import { TickWrites } from './tick-writes.js';

const CLOSED_MESSAGE =
  'The ioredis client is closed (quit() or disconnect() was called); the Redis store cannot use it.';

/**
 * Sends the store's commands only over a ready connection, so none of them waits in ioredis'
 * offline queue: a call made while Redis is unreachable waits at most `readyTimeoutMs` for
 * the client to (re)connect, then fails with StoreUnavailableError. A call whose connection
 * drops while it is in flight fails at once too, instead of waiting for ioredis to reconnect
 * and resend it.
 */
export class Connection {
  private readySignal: Promise<void> | undefined;
  private stopWaiting: (() => void) | undefined;
  private readonly inFlight = new Set<(error: Error) => void>();
  private readonly tickWrites: TickWrites;
  private readonly onClose = (): void => {
    const error = new StoreUnavailableError(
      'The connection to Redis closed while a command was in flight; it may or may not have run.',
    );
    for (const reject of this.inFlight) reject(error);
    this.inFlight.clear();
  };

  constructor(
    private readonly client: ClientSurface,
    private readonly readyTimeoutMs: number,
  ) {
    // A Cluster's own "close" means every node is gone; a node that drops is handled by
    // ioredis' redirections and the engine's storeTimeout, so watch only standalone clients.
    if (!client.isCluster) client.on('close', this.onClose);
    this.tickWrites = new TickWrites(client);
  }

  /** Run `send` once the client is ready; reject when it cannot be, or when it drops mid-call. */
  run<R>(send: () => Promise<R>): Promise<R> {
    // Most calls find the client ready: no extra await for them.
    if (this.client.status !== 'ready') return this.ready().then(() => this.sendWatched(send));
    return this.sendWatched(send);
  }

  private sendWatched<R>(send: () => Promise<R>): Promise<R> {
    // Ready here, so ioredis writes the command to a socket while `send` runs.
    this.tickWrites.hold();
    if (this.client.isCluster) return send();
    return new Promise<R>((resolve, reject) => {
      this.inFlight.add(reject);
      send().then(
        (value) => {
          this.inFlight.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.inFlight.delete(reject);
          reject(error);
        },
      );
    });
  }

  /** Stop watching the client (the client itself stays open: the user owns it). */
  dispose(): void {
    this.client.off('close', this.onClose);
    this.stopWaiting?.();
  }

  private async ready(): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      const status = this.client.status;
      if (status === 'ready') return;
      if (status === 'end') throw new StoreUnavailableError(CLOSED_MESSAGE);
      if (status === 'wait') {
        // A lazyConnect client connects on its first command; this is that moment.
        this.client.connect().catch(() => undefined);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new StoreUnavailableError(
          `Redis is not reachable: the ioredis client is "${status}" and was not ready within ${this.readyTimeoutMs} ms.`,
        );
      }
      await this.nextStatusChange(remaining);
    }
  }

  /** Resolves on the client's next "ready" or "end", or after `ms`, whichever comes first. */
  private nextStatusChange(ms: number): Promise<void> {
    if (!this.readySignal) {
      this.readySignal = new Promise<void>((resolve) => {
        const done = (): void => {
          this.client.off('ready', done);
          this.client.off('end', done);
          this.readySignal = undefined;
          this.stopWaiting = undefined;
          resolve();
        };
        this.client.on('ready', done);
        this.client.on('end', done);
        this.stopWaiting = done;
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    return Promise.race([this.readySignal, timeout]).finally(() => clearTimeout(timer));
  }
}
