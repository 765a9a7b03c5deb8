import { RABBITMQ_URL } from '@oncely/testing/brokers';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import type { BrokerUnderTest, Publish } from './crash-run.js';

/** A durable queue of its own (with a dead-letter queue), published to with confirms. */
export class RabbitQueue implements BrokerUnderTest {
  readonly name = 'rabbitmq';
  readonly dead: string;

  private constructor(
    readonly queue: string,
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {
    this.dead = `${queue}.dead`;
  }

  static async create(queue: string): Promise<RabbitQueue> {
    const connection = await connect(RABBITMQ_URL);
    const channel = await connection.createConfirmChannel();
    const broker = new RabbitQueue(queue, connection, channel);
    await channel.assertQueue(broker.dead, { durable: true });
    await channel.assertQueue(queue, {
      durable: true,
      deadLetterExchange: '',
      deadLetterRoutingKey: broker.dead,
    });
    return broker;
  }

  async publish(batch: Publish[]): Promise<void> {
    for (const { key, order } of batch) {
      this.channel.sendToQueue(this.queue, Buffer.from(JSON.stringify(order)), {
        messageId: key,
        persistent: true,
        contentType: 'application/json',
      });
    }
    await this.channel.waitForConfirms();
  }

  async empty(consumers: number): Promise<boolean> {
    const { messageCount, consumerCount } = await this.channel.checkQueue(this.queue);
    return messageCount === 0 && consumerCount === consumers;
  }

  async left(): Promise<number> {
    return (await this.channel.checkQueue(this.queue)).messageCount;
  }

  async deadLetters(): Promise<number> {
    return (await this.channel.checkQueue(this.dead)).messageCount;
  }

  async remove(): Promise<void> {
    await this.channel.deleteQueue(this.queue);
    await this.channel.deleteQueue(this.dead);
    await this.connection.close();
  }
}
