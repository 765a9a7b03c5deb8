import { Worker } from 'node:worker_threads';
import type { RaceCall, RaceReply, Racers } from '../race.js';
import { WORKER_SOURCE } from './worker-source.js';

/** What the workers load: the module's URL and the data its `createStore(data)` receives. */
export interface WorkerSpec {
  moduleUrl: string;
  data: unknown;
}

type WorkerMessage =
  | { type: 'ready' | 'armed' | 'closed' }
  | {
      type: 'replies';
      replies: Array<{ ok: true; value: RaceReply } | { ok: false; error: string }>;
    }
  | { type: 'failed'; error: string };

/** One worker and the messages it sent that nobody has taken yet. */
class RaceWorker {
  private readonly inbox: WorkerMessage[] = [];
  private waiter: ((message: WorkerMessage) => void) | undefined;
  private failure: Error | undefined;
  private failWaiter: ((error: Error) => void) | undefined;

  constructor(
    readonly worker: Worker,
    readonly index: number,
  ) {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'failed') {
        this.fail(new Error(`race worker #${index} failed: ${message.error}`));
        return;
      }
      if (this.waiter) {
        const waiter = this.waiter;
        this.waiter = undefined;
        waiter(message);
      } else this.inbox.push(message);
    });
    worker.on('error', (error) =>
      this.fail(error instanceof Error ? error : new Error(String(error))),
    );
    worker.on('exit', (code) =>
      this.fail(new Error(`race worker #${index} exited (code ${code})`)),
    );
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.failWaiter?.(this.failure);
  }

  /** The next message, which must be of type `type`. */
  next<T extends WorkerMessage['type']>(type: T): Promise<Extract<WorkerMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const take = (message: WorkerMessage) => {
        this.failWaiter = undefined;
        if (message.type === type) resolve(message as Extract<WorkerMessage, { type: T }>);
        else reject(new Error(`race worker #${this.index}: expected ${type}, got ${message.type}`));
      };
      const queued = this.inbox.shift();
      if (queued) return take(queued);
      if (this.failure) return reject(this.failure);
      this.waiter = take;
      this.failWaiter = reject;
    });
  }

  post(message: unknown): void {
    this.worker.postMessage(message);
  }
}

/**
 * Racers that are worker threads, each with its own store made by the user's module. A race
 * arms every worker on one shared gate and opens it for all at once.
 */
export class WorkerRacers implements Racers {
  readonly where: string;

  private constructor(private readonly workers: RaceWorker[]) {
    this.where = `${workers.length} worker threads`;
  }

  static async start(spec: WorkerSpec, count: number): Promise<WorkerRacers> {
    const workers = Array.from(
      { length: count },
      (_, index) =>
        new RaceWorker(
          new Worker(WORKER_SOURCE, {
            eval: true,
            workerData: { module: spec.moduleUrl, data: spec.data },
          }),
          index,
        ),
    );
    const racers = new WorkerRacers(workers);
    try {
      await Promise.all(workers.map((worker) => worker.next('ready')));
    } catch (error) {
      await racers.terminate();
      throw error;
    }
    return racers;
  }

  async run(perRacer: RaceCall[][]): Promise<RaceReply[][]> {
    const gate = new SharedArrayBuffer(4);
    const armed = this.workers.map((worker, index) => {
      worker.post({ type: 'race', gate, calls: perRacer[index] ?? [] });
      return worker.next('armed');
    });
    await Promise.all(armed);
    const replies = this.workers.map((worker) => worker.next('replies'));
    const flag = new Int32Array(gate);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    return (await Promise.all(replies)).map((message, index) =>
      message.replies.map((reply) => {
        if (!reply.ok)
          throw new Error(`a store call in race worker #${index} threw: ${reply.error}`);
        return reply.value;
      }),
    );
  }

  /** Destroys each worker's store, then stops the workers (also when destroying failed). */
  async close(): Promise<void> {
    try {
      await Promise.all(
        this.workers.map((worker) => {
          worker.post({ type: 'close' });
          return worker.next('closed');
        }),
      );
    } finally {
      await this.terminate();
    }
  }

  private async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.worker.terminate()));
  }
}
