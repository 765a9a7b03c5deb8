import type { OrderPlaced } from '../../src/orders.js';
import { ConsumerChild } from './consumer-child.js';
import type { ConsumerConfig, ConsumerLine, KillPoint } from './consumer-config.js';
import type { ShipmentsDb } from './shipments-db.js';

/** One message as the producer publishes it; a duplicate repeats `key` and `order` exactly. */
export interface Publish {
  key: string;
  order: OrderPlaced;
}

/** What the crash run needs from a broker. */
export interface BrokerUnderTest {
  name: 'rabbitmq' | 'nats';
  /** The queue (RabbitMQ) or stream (NATS) the consumers read. */
  queue: string;
  /** Publish with the broker's confirmation, in order. */
  publish(batch: Publish[]): Promise<void>;
  /**
   * Whether the broker holds no message for the queue (none ready, none unacked) and sees
   * `consumers` consumers on it.
   */
  empty(consumers: number): Promise<boolean>;
  /** Messages still on the broker (ready or unacked). */
  left(): Promise<number>;
  /** Messages that went to the dead letters (none may). */
  deadLetters(): Promise<number>;
}

export interface CrashFigures {
  broker: string;
  messages: number;
  duplicatesPublished: number;
  deliveries: number;
  redeliveries: number;
  kills: Record<KillPoint | 'external', number>;
  acks: { executed: number; replayed: number };
  retries: Record<string, number>;
  effectsApplied: number;
  distinctEffects: number;
  leftOnBroker: number;
  deadLetters: number;
  seconds: number;
}

const POINTS: KillPoint[] = ['before-write', 'after-commit', 'during-ack'];

/** Poll a condition that a database or broker answers, at a pace that does not load them. */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)] as T;

/**
 * The schedule: every order once, and about 40 % of them again (some twice), each copy at a
 * random later place, so duplicates race their original on another consumer or arrive long
 * after it was shipped.
 */
export function schedule(run: string, messages: number): Publish[] {
  const slots: { at: number; publish: Publish }[] = [];
  for (let i = 0; i < messages; i++) {
    const publish = {
      key: `${run}-${i}`,
      order: { orderId: `order-${run}-${i}`, amountCents: 100 + i },
    };
    slots.push({ at: i, publish });
    const copies = Math.random() < 0.4 ? (Math.random() < 0.25 ? 2 : 1) : 0;
    for (let c = 0; c < copies; c++) slots.push({ at: i + Math.random() * 80, publish });
  }
  return slots.sort((a, b) => a.at - b.at).map((slot) => slot.publish);
}

/**
 * Two consumer processes on one queue while the producer publishes duplicates on purpose.
 * Consumers die by SIGKILL: planned, each at one of the three points (before the write, after
 * the commit before the ack, during the ack), and at random moments from outside. Each dead
 * consumer is replaced; the broker redelivers what it held. Then every order's effect must be
 * in the table exactly once and the broker must hold nothing.
 */
export async function crashRun(
  broker: BrokerUnderTest,
  db: ShipmentsDb,
  options: { messages: number; leaseMs: number; plannedPerPoint: number; externalKills: number },
): Promise<CrashFigures> {
  const started = performance.now();
  const run = db.schema.slice(-8);
  const publishes = schedule(run, options.messages);
  const plans: KillPoint[] = [];
  for (let i = 0; i < options.plannedPerPoint; i++) plans.push(...POINTS);

  const figures: CrashFigures = {
    broker: broker.name,
    messages: options.messages,
    duplicatesPublished: publishes.length - options.messages,
    deliveries: 0,
    redeliveries: 0,
    kills: { 'before-write': 0, 'after-commit': 0, 'during-ack': 0, external: 0 },
    acks: { executed: 0, replayed: 0 },
    retries: {},
    effectsApplied: 0,
    distinctEffects: 0,
    leftOnBroker: 0,
    deadLetters: 0,
    seconds: 0,
  };
  const onLine = (line: ConsumerLine) => {
    if (line.e === 'delivered') {
      figures.deliveries++;
      if (line.redelivered) figures.redeliveries++;
    } else if (line.e === 'decided' && line.action === 'ack') {
      if (line.status === 'replayed') figures.acks.replayed++;
      else figures.acks.executed++;
    } else if (line.e === 'decided') {
      const reason = `${line.action}:${line.reason}`;
      figures.retries[reason] = (figures.retries[reason] ?? 0) + 1;
    } else if (line.e === 'kill') {
      figures.kills[line.at]++;
    }
  };

  const consumers = new Set<ConsumerChild>();
  let replacing = true;
  const failures: string[] = [];
  async function startConsumer(withPlan: boolean): Promise<ConsumerChild> {
    const at = withPlan ? plans.shift() : undefined;
    const config: ConsumerConfig = {
      broker: broker.name,
      schema: db.schema,
      queue: broker.queue,
      leaseMs: options.leaseMs,
      kill: at ? { at, on: 1 + Math.floor(Math.random() * 4) } : undefined,
    };
    const child = new ConsumerChild(config, onLine);
    consumers.add(child);
    void child.exited.then(({ code, signal }) => {
      consumers.delete(child);
      if (signal !== 'SIGKILL' && code !== 0) {
        failures.push(`a consumer exited with ${signal ?? code}: ${child.errors}`);
      }
      // Killed from outside before it reached its point: the next consumer gets that plan, so
      // every point is reached however the random kills fall.
      if (signal === 'SIGKILL' && !child.selfKilled && at && replacing) plans.unshift(at);
      if (signal === 'SIGKILL' && replacing) void startConsumer(true);
    });
    await Promise.race([child.ready, child.exited]);
    return child;
  }

  await Promise.all([startConsumer(true), startConsumer(true)]);

  // Random kills from outside while the producer runs: any moment of a consumer's work.
  let producing = true;
  const killer = (async () => {
    for (let k = 0; k < options.externalKills && producing; k++) {
      await pause(300 + Math.random() * 600);
      const victim = pick([...consumers].filter((child) => child.alive && !child.selfKilled));
      if (victim) {
        figures.kills.external++;
        victim.kill();
      }
    }
  })();

  // Publish in small batches, so publishing, consuming and crashing overlap.
  for (let i = 0; i < publishes.length; i += 10) {
    await broker.publish(publishes.slice(i, i + 10));
    await pause(20);
  }
  producing = false;
  await killer;

  await waitFor('every order shipped', async () => {
    if (failures.length > 0) throw new Error(failures.join('\n'));
    return (await db.counts()).orders === options.messages;
  });
  // No more planned deaths: replacements from here on run to the end.
  plans.length = 0;
  replacing = false;
  // Drain: the consumers that may still hold a plan go, one without a plan takes whatever the
  // broker still has (duplicates, redeliveries of what a killed consumer held), then it goes.
  await Promise.all([...consumers].map((child) => child.stop()));
  const drainer = await startConsumer(false);
  await waitFor('the broker empty and the drainer idle', async () => {
    if (failures.length > 0) throw new Error(failures.join('\n'));
    return idle(drainer) && (await broker.empty(1));
  });
  await drainer.stop();
  await waitFor('the broker saw the drainer go', () => broker.empty(0));
  figures.leftOnBroker = await broker.left();
  if (failures.length > 0) throw new Error(failures.join('\n'));
  const counts = await db.counts();
  figures.effectsApplied = counts.rows;
  figures.distinctEffects = counts.orders;
  figures.deadLetters = await broker.deadLetters();
  figures.seconds = Math.round((performance.now() - started) / 100) / 10;
  return figures;
}

/** Every delivery the consumer got was acked or dead-lettered: it holds no message. */
function idle(child: ConsumerChild): boolean {
  let open = 0;
  for (const line of child.lines) {
    if (line.e === 'delivered') open++;
    else if (line.e === 'decided' && line.action !== 'retry') open--;
  }
  return open === 0;
}

export function printFigures(figures: CrashFigures): void {
  const kills = Object.values(figures.kills).reduce((a, b) => a + b, 0);
  const retries = Object.entries(figures.retries)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  console.log(
    [
      `[${figures.broker}] crash run (SIGKILL before the write, after the commit, during the ack, and at random)`,
      `  messages ${figures.messages}, duplicates published ${figures.duplicatesPublished}`,
      `  deliveries ${figures.deliveries}, redeliveries ${figures.redeliveries}`,
      `  kills ${kills}: before-write ${figures.kills['before-write']}, after-commit ${figures.kills['after-commit']}, during-ack ${figures.kills['during-ack']}, external ${figures.kills.external}`,
      `  decided ack: executed ${figures.acks.executed}, replayed ${figures.acks.replayed}; decided otherwise: ${retries || 'none'}`,
      `  effects applied ${figures.effectsApplied} (distinct orders ${figures.distinctEffects}) = messages ${figures.messages}`,
      `  left on the broker ${figures.leftOnBroker}, dead letters ${figures.deadLetters}, ${figures.seconds} s`,
    ].join('\n'),
  );
}
