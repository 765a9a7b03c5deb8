// A crash-test consumer: the guide's consumer on a real broker and PostgreSQL, printing what it
// does as JSON lines, and killing itself with SIGKILL at its planned point. Stopped by SIGTERM.

import { jetstream } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { createIdempotency } from '@oncely/core';
import { PostgresStore } from '@oncely/postgres';
import { NATS_SERVERS, RABBITMQ_URL } from '@oncely/testing/brokers';
import { connect as connectAmqp } from 'amqplib';
import pg from 'pg';
import { consumeOrders as consumeFromNats } from '../../src/nats-consumer.js';
import type { ConsumerEvent } from '../../src/orders.js';
import { consumeOrders as consumeFromRabbit } from '../../src/rabbitmq-consumer.js';
import {
  CONSUMER_ENV,
  type ConsumerConfig,
  type ConsumerLine,
  DATABASE_URL,
  DURABLE,
  type KillPoint,
} from './consumer-config.js';

const config = JSON.parse(process.env[CONSUMER_ENV] as string) as ConsumerConfig;
// Pipes are synchronous on Linux: a line written before the SIGKILL reaches the parent.
const print = (line: ConsumerLine) => process.stdout.write(`${JSON.stringify(line)}\n`);

let reached = 0;
function maybeDie(point: KillPoint): void {
  if (config.kill?.at !== point || ++reached !== config.kill.on) return;
  print({ e: 'kill', at: point });
  process.kill(process.pid, 'SIGKILL');
}

function observe(event: ConsumerEvent): void {
  if (event.step === 'delivered') {
    print({ e: 'delivered', key: event.key, redelivered: event.redelivered });
  } else if (event.step === 'before-write') {
    maybeDie('before-write');
  } else if (event.step === 'decided') {
    const { decision } = event;
    print({
      e: 'decided',
      key: event.key,
      action: decision.action,
      reason: decision.action === 'ack' ? undefined : decision.reason,
      status: decision.action === 'ack' ? decision.outcome.status : undefined,
    });
    // The row and the record are committed; the ack is not sent yet.
    if (decision.action === 'ack') maybeDie('after-commit');
  } else {
    maybeDie('during-ack'); // the ack was handed to the client, maybe not yet to the broker
  }
}

const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: 6,
  connectionTimeoutMillis: 5_000,
});
pool.on('error', () => {}); // a connection the server ends is replaced; the store fails closed
const store = new PostgresStore({ pool, schema: config.schema });
const idempotency = createIdempotency({ store, lease: config.leaseMs });

let stop: () => Promise<void>;
if (config.broker === 'rabbitmq') {
  const connection = await connectAmqp(RABBITMQ_URL);
  const channel = await connection.createChannel();
  await consumeFromRabbit(channel, config.queue, idempotency, { schema: config.schema, observe });
  stop = () => connection.close();
} else {
  const connection = await connectNats({ servers: NATS_SERVERS });
  const consumer = await jetstream(connection).consumers.get(config.queue, DURABLE);
  const running = await consumeFromNats(consumer, idempotency, { schema: config.schema, observe });
  stop = async () => {
    await running.stop();
    await connection.close();
  };
}
// The handler goes in before 'ready' is printed: the parent may send SIGTERM as soon as it reads
// that line, and a SIGTERM that arrives with no handler installed kills the process outright.
process.once('SIGTERM', () => {
  void stop()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
print({ e: 'ready' });
