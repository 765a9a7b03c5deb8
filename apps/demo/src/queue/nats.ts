import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { Delivery, DemoBroker, QueueConsumer } from './broker.js';

/** How long JetStream waits for an ack before it delivers a message again. */
const ACK_WAIT_MS = 2_000;

/** A stream of this run's own on NATS JetStream with one durable consumer. */
export class NatsBroker implements DemoBroker {
  private constructor(
    readonly label: string,
    private readonly servers: string,
    private readonly stream: string,
    private readonly publisher: NatsConnection,
  ) {}

  static async open(servers: string, run: string): Promise<NatsBroker> {
    const publisher = await connect({ servers });
    const stream = `oncely_demo_${run}`;
    const manager = await jetstreamManager(publisher);
    await manager.streams.add({ name: stream, subjects: [`${stream}.orders`] });
    await manager.consumers.add(stream, {
      durable_name: 'demo',
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ACK_WAIT_MS),
    });
    return new NatsBroker(
      `NATS JetStream (${servers}, stream ${stream})`,
      servers,
      stream,
      publisher,
    );
  }

  async publish(id: string, body: unknown): Promise<void> {
    const h = headers();
    h.set('Message-Id', id);
    await jetstream(this.publisher).publish(`${this.stream}.orders`, JSON.stringify(body), {
      headers: h,
    });
  }

  async consume(handle: (delivery: Delivery) => Promise<void>): Promise<QueueConsumer> {
    const connection = await connect({ servers: this.servers });
    const consumer = await jetstream(connection).consumers.get(this.stream, 'demo');
    const messages = await consumer.consume({ max_messages: 1 });
    void (async () => {
      for await (const message of messages) {
        await handle({
          id: message.headers?.get('Message-Id') ?? '',
          body: message.json(),
          redelivered: message.redelivered,
          ack: async () => {
            await message.ackAck();
          },
          retry: (delayMs) => message.nak(delayMs),
          deadLetter: () => message.term(),
        });
      }
    })().catch(() => {});
    // A crash: the connection goes, unacked; JetStream delivers again after its ack wait.
    // Not waiting for the loop: a crash comes from inside a delivery's handler.
    const close = () => connection.close().catch(() => {});
    return { crash: close, stop: close };
  }

  async close(): Promise<void> {
    await (await jetstreamManager(this.publisher)).streams.delete(this.stream);
    await this.publisher.close();
  }
}
