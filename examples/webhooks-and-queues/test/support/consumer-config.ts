/** Where a consumer process dies by its own SIGKILL: the three moments that matter for an ack. */
export type KillPoint = 'before-write' | 'after-commit' | 'during-ack';

/** What a crash-test consumer process is told, as JSON in `CRASH_CONSUMER`. */
export interface ConsumerConfig {
  broker: 'rabbitmq' | 'nats';
  schema: string;
  /** RabbitMQ: the queue. NATS: the stream; the durable consumer is `shipper`. */
  queue: string;
  leaseMs: number;
  /** Die at `at` the `on`-th time the process gets there (1 = the first). */
  kill?: { at: KillPoint; on: number } | undefined;
}

export const CONSUMER_ENV = 'CRASH_CONSUMER';
export const DURABLE = 'shipper';
export const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** One line a consumer process prints on stdout. */
export type ConsumerLine =
  | { e: 'ready' }
  | { e: 'delivered'; key?: string; redelivered: boolean }
  | { e: 'decided'; key?: string; action: string; reason?: string; status?: string }
  | { e: 'kill'; at: KillPoint };
