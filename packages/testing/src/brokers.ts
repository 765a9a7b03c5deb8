import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { connect as connectAmqp } from 'amqplib';
import { probeService, type ServiceProbe } from './service.js';

/** RabbitMQ as `.ci/run` starts it: the default guest user, on loopback only. */
export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** NATS with JetStream as `.ci/run` starts it (`nats-server -js`). */
export const NATS_SERVERS = '127.0.0.1:4222';

/**
 * RabbitMQ answers: an AMQP connection opens and a channel declares nothing. Skips locally,
 * fails under CI, like every other service probe.
 */
export function probeRabbitMQ(url = RABBITMQ_URL): Promise<ServiceProbe> {
  return probeService(`RabbitMQ at ${url.replace(/\/\/[^@]*@/, '//')}`, async () => {
    const connection = await connectAmqp(url, { timeout: 5_000 });
    try {
      await (await connection.createChannel()).close();
    } finally {
      await connection.close();
    }
  });
}

/** NATS answers and has JetStream enabled (a server without `-js` fails the probe). */
export function probeNatsJetStream(servers = NATS_SERVERS): Promise<ServiceProbe> {
  return probeService(`NATS JetStream at ${servers}`, async () => {
    const connection = await connectNats({ servers, timeout: 5_000, reconnect: false });
    try {
      await (await jetstreamManager(connection)).getAccountInfo();
    } finally {
      await connection.close();
    }
  });
}
