import { randomUUID } from 'node:crypto';
import { probeNatsJetStream, probeRabbitMQ } from '@oncely/testing/brokers';
import { describe, expect, it } from 'vitest';
import { queueConsumerCrash } from '../src/queue/story.js';
import { expectQueueStoryHeld } from './expectations.js';

const rabbit = await probeRabbitMQ();
const nats = await probeNatsJetStream();

describe('the queue story on a real broker (memory store)', () => {
  it.skipIf(!rabbit.available)(
    'ONCELY_BROKER=rabbitmq: the crashed consumer’s message comes back and replays',
    async () => {
      const story = await queueConsumerCrash({
        env: { ...process.env, ONCELY_STORE: 'memory', ONCELY_BROKER: 'rabbitmq' },
        run: randomUUID().slice(0, 8),
      });
      expect(story.plays).toContain('RabbitMQ');
      expectQueueStoryHeld(story);
    },
  );

  it.skipIf(!nats.available)(
    'ONCELY_BROKER=nats: the same after JetStream’s ack wait',
    async () => {
      const story = await queueConsumerCrash({
        env: { ...process.env, ONCELY_STORE: 'memory', ONCELY_BROKER: 'nats' },
        run: randomUUID().slice(0, 8),
      });
      expect(story.plays).toContain('NATS JetStream');
      expectQueueStoryHeld(story);
    },
  );
});
