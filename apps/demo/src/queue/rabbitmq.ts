import { type ChannelModel, connect } from 'amqplib';
import type { Delivery, DemoBroker, QueueConsumer } from './broker.js';

/** A queue of this run's own on RabbitMQ; each consumer has its own connection. */
export class RabbitBroker implements DemoBroker {
  private constructor(
    readonly label: string,
    private readonly url: string,
    private readonly queue: string,
    private readonly publisher: ChannelModel,
  ) {}

  static async open(url: string, run: string): Promise<RabbitBroker> {
    const publisher = await connect(url);
    const queue = `oncely-demo-${run}`;
    await (await publisher.createChannel()).assertQueue(queue, { durable: true });
    const where = url.replace(/\/\/[^@]*@/, '//');
    return new RabbitBroker(`RabbitMQ (${where}, queue ${queue})`, url, queue, publisher);
  }

  async publish(id: string, body: unknown): Promise<void> {
    const channel = await this.publisher.createConfirmChannel();
    channel.sendToQueue(this.queue, Buffer.from(JSON.stringify(body)), {
      messageId: id,
      persistent: true,
    });
    await channel.waitForConfirms();
    await channel.close();
  }

  async consume(handle: (delivery: Delivery) => Promise<void>): Promise<QueueConsumer> {
    const connection = await connect(this.url);
    connection.on('error', () => {}); // a crash() closes it under the channel
    const channel = await connection.createChannel();
    await channel.prefetch(1);
    await channel.consume(this.queue, (message) => {
      if (!message) return;
      void handle({
        id: message.properties.messageId as string,
        body: JSON.parse(message.content.toString('utf8')),
        redelivered: message.fields.redelivered,
        ack: async () => channel.ack(message),
        retry: (delayMs) => setTimeout(() => channel.nack(message, false, true), delayMs),
        deadLetter: () => channel.nack(message, false, false),
      });
    });
    // Closing the connection without acking is what a crash looks like to the broker.
    const close = () => connection.close().catch(() => {});
    return { crash: close, stop: close };
  }

  async close(): Promise<void> {
    const channel = await this.publisher.createChannel();
    await channel.deleteQueue(this.queue);
    await this.publisher.close();
  }
}
