import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { probeService } from '@oncely/testing';
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { bundleWorker } from './runtimes/bundle.js';
import { networkStoreScenarios } from './runtimes/network-store.js';
import { workerd } from './runtimes/workerd.js';

const redis = new Redis({
  host: '127.0.0.1',
  port: 6379,
  lazyConnect: true,
  maxRetriesPerRequest: 1,
});
const available = await probeService('Redis at 127.0.0.1:6379', () => redis.connect());

/** A record's state, from the first byte of its value (see @oncely/redis's scripts). */
const STATES: Record<string, string> = { p: 'in_progress', c: 'completed', r: 'released' };

describe.skipIf(!workerd.available || !available.available)('workerd and Redis', async () => {
  // This run's own key prefix: the only keys the test writes or deletes.
  const prefix = `oncely-workerd-${randomBytes(6).toString('hex')}:`;
  const keys = async () => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  networkStoreScenarios({
    name: '@oncely/redis (ioredis)',
    script: await bundleWorker(
      fileURLToPath(new URL('./runtimes/worker-redis.ts', import.meta.url)),
    ),
    bindings: { REDIS_URL: 'redis://127.0.0.1:6379', PREFIX: prefix },
    prepare: async () => {},
    states: async () => {
      const values = await Promise.all((await keys()).map((key) => redis.get(key)));
      return values.flatMap((value) => (value && STATES[value[0] as string]) || []);
    },
    cleanup: async () => {
      const written = await keys();
      if (written.length > 0) await redis.del(...written);
      redis.disconnect();
    },
  });
});
