import type { Delivery, DemoBroker, QueueConsumer } from './broker.js';

interface Queued {
  id: string;
  body: unknown;
  redelivered: boolean;
}

/**
 * An at-least-once queue in this process, with a broker's rules: a delivered message stays
 * held until it is acked; a consumer that goes away without acking gives it back, marked
 * redelivered. One consumer at a time, one message at a time.
 */
export class InProcessQueue implements DemoBroker {
  readonly label = 'an in-process queue';
  private readonly ready: Queued[] = [];
  private consumer:
    | { handle: (delivery: Delivery) => Promise<void>; held: Set<Queued> }
    | undefined;
  private pumping = false;

  async publish(id: string, body: unknown): Promise<void> {
    this.ready.push({ id, body, redelivered: false });
    this.pump();
  }

  async consume(handle: (delivery: Delivery) => Promise<void>): Promise<QueueConsumer> {
    const consumer = { handle, held: new Set<Queued>() };
    this.consumer = consumer;
    const leave = async () => {
      if (this.consumer === consumer) this.consumer = undefined;
      // Whatever it held and never acked goes back to the front, marked redelivered.
      this.ready.unshift(...[...consumer.held].map((m) => ({ ...m, redelivered: true })));
      consumer.held.clear();
    };
    this.pump();
    return { crash: leave, stop: leave };
  }

  async close(): Promise<void> {
    this.consumer = undefined;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      try {
        for (let next = this.ready.shift(); next; next = this.ready.shift()) {
          const consumer = this.consumer;
          if (!consumer) {
            this.ready.unshift(next);
            return;
          }
          const message = next;
          consumer.held.add(message);
          await consumer.handle({
            ...message,
            ack: async () => {
              consumer.held.delete(message);
            },
            retry: (delayMs) => {
              consumer.held.delete(message);
              setTimeout(() => this.publishAgain(message), delayMs);
            },
            deadLetter: () => {
              consumer.held.delete(message);
            },
          });
        }
      } finally {
        this.pumping = false;
      }
    })();
  }

  private publishAgain(message: Queued): void {
    this.ready.push({ ...message, redelivered: true });
    this.pump();
  }
}
