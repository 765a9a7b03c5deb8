import type { ChildProcess } from 'node:child_process';
import { nextMessage, startWorker, stopWorker } from '../child.js';
import { recordObserved } from '../pinning.js';
import type { ServerJob } from '../workers/http-server.js';

/** A library's server, running in its own process. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** The CPUs the server process reported it may run on. */
    readonly cpus: string,
  ) {}

  static async start(job: ServerJob): Promise<ServerProcess> {
    const child = startWorker('http-server', job);
    try {
      const ready = await nextMessage<{ port: number; cpus?: string }>(child, 'ready', 60_000);
      recordObserved('servers', ready.cpus);
      return new ServerProcess(child, ready.port, ready.cpus ?? 'unknown');
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

  /** CPU microseconds (user + system) the server process has used since it started. */
  async cpuMicros(): Promise<number> {
    const reply = nextMessage<{ micros: number }>(this.child, 'cpu');
    this.child.send({ type: 'cpu' });
    return (await reply).micros;
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
