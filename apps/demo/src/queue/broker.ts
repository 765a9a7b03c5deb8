/** One delivery of a message, as the story's consumer sees it on any broker. */
export interface Delivery {
  /** The message id the producer set: the idempotency key. */
  id: string;
  body: unknown;
  redelivered: boolean;
  ack(): Promise<void>;
  /** Give it back to be delivered again after `delayMs`. */
  retry(delayMs: number): void;
  /** Never deliver it again. */
  deadLetter(): void;
}

/** A consumer attached to the queue. */
export interface QueueConsumer {
  /**
   * Go away as a crashed process does: without acking what it holds, so the broker delivers
   * those messages again (to the next consumer).
   */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** An at-least-once queue: what the queue story needs from the in-process queue or a broker. */
export interface DemoBroker {
  /** How the report names it. */
  label: string;
  publish(id: string, body: unknown): Promise<void>;
  /** Deliveries go to `handle` one at a time, until the consumer crashes or stops. */
  consume(handle: (delivery: Delivery) => Promise<void>): Promise<QueueConsumer>;
  close(): Promise<void>;
}

export const BROKER_NAMES = ['memory', 'rabbitmq', 'nats'] as const;
export type BrokerName = (typeof BROKER_NAMES)[number];

export function brokerName(value: string | undefined): BrokerName {
  const name = value ?? 'memory';
  if (!(BROKER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown broker "${name}": expected one of ${BROKER_NAMES.join(', ')}.`);
  }
  return name as BrokerName;
}

/** The broker `ONCELY_BROKER` names; a real one's driver is imported only when it is used. */
export async function openBroker(env: NodeJS.ProcessEnv, run: string): Promise<DemoBroker> {
  const name = brokerName(env.ONCELY_BROKER);
  if (name === 'rabbitmq') {
    const { RabbitBroker } = await import('./rabbitmq.js');
    return RabbitBroker.open(env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', run);
  }
  if (name === 'nats') {
    const { NatsBroker } = await import('./nats.js');
    return NatsBroker.open(env.NATS_URL ?? '127.0.0.1:4222', run);
  }
  const { InProcessQueue } = await import('./in-process.js');
  return new InProcessQueue();
}
