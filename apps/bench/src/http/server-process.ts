import type { ChildProcess } from 'node:child_process';
import { nextMessage, startWorker, stopWorker } from '../child.js';
import type { ServerJob } from '../workers/http-server.js';

/** A library's server, running in its own process. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(job: ServerJob): Promise<ServerProcess> {
    const child = startWorker('http-server', job);
    try {
      const ready = await nextMessage<{ port: number }>(child, 'ready', 60_000);
      return new ServerProcess(child, ready.port);
    } catch (error) {
      await stopWorker(child);
      throw error;
    }
  }

  /** How many times the business logic really ran in this server. */
  async executions(): Promise<number> {
    const reply = nextMessage<{ executions: number }>(this.child, 'executions');
    this.child.send({ type: 'executions' });
    return (await reply).executions;
  }

  /** The server's heap plus ArrayBuffer memory after a full GC. */
  async heldBytes(): Promise<number> {
    const reply = nextMessage<{ heldBytes: number }>(this.child, 'heap');
    this.child.send({ type: 'heap' });
    return (await reply).heldBytes;
  }

  async stop(): Promise<void> {
    const closed = nextMessage(this.child, 'closed', 10_000).catch(() => undefined);
    this.child.send({ type: 'close' });
    await closed;
    await stopWorker(this.child);
  }
}
