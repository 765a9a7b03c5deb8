import {
  AckPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, nanos } from '@nats-io/transport-node';
import { NATS_SERVERS } from '@oncely/testing/brokers';
import { DURABLE } from './consumer-config.js';
import type { BrokerUnderTest, Publish } from './crash-run.js';

/** How long JetStream waits for an ack before it redelivers (a killed consumer's messages). */
const ACK_WAIT_MS = 3_000;

/** A stream of its own with one durable pull consumer, published to with acks. */
export class NatsStream implements BrokerUnderTest {
  readonly name = 'nats';
  private terminated = 0;

  private constructor(
    readonly queue: string,
    private readonly connection: NatsConnection,
    private readonly manager: JetStreamManager,
    private readonly client: JetStreamClient,
  ) {}

  static async create(stream: string): Promise<NatsStream> {
    const connection = await connect({ servers: NATS_SERVERS });
    const manager = await jetstreamManager(connection);
    await manager.streams.add({ name: stream, subjects: [`${stream}.orders`] });
    await manager.consumers.add(stream, {
      durable_name: DURABLE,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ACK_WAIT_MS),
    });
    const broker = new NatsStream(stream, connection, manager, jetstream(connection));
    // A term()ed message is this stream's dead letter: JetStream announces each one.
    const advisories = connection.subscribe(
      `$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${stream}.${DURABLE}`,
    );
    void (async () => {
      for await (const _ of advisories) broker.terminated++;
    })();
    await connection.flush();
    return broker;
  }

  async publish(batch: Publish[]): Promise<void> {
    await Promise.all(
      batch.map(({ key, order }) => {
        const h = headers();
        h.set('Message-Id', key);
        return this.client.publish(`${this.queue}.orders`, JSON.stringify(order), { headers: h });
      }),
    );
  }

  async empty(): Promise<boolean> {
    return (await this.left()) === 0;
  }

  async left(): Promise<number> {
    const info = await this.manager.consumers.info(this.queue, DURABLE);
    return info.num_pending + info.num_ack_pending;
  }

  async deadLetters(): Promise<number> {
    await this.connection.flush();
    return this.terminated;
  }

  async remove(): Promise<void> {
    await this.manager.streams.delete(this.queue);
    await this.connection.close();
  }
}
