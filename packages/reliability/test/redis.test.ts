import { probeService } from '@oncely/testing';
import { checkRedisBinaries } from '@oncely/testing/redis-server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, REDIS, redisBackend } from '../src/backends.js';
import { formatFigures } from '../src/figures.js';
import { redisOutageRig } from '../src/outages.js';
import { crash } from '../src/scenarios/crash.js';
import { OUTAGE_CI, outage } from '../src/scenarios/outage.js';
import { SLOW_CI, slow } from '../src/scenarios/slow.js';
import { STORM_CI, storm } from '../src/scenarios/storm.js';

const redis = await probeService('Redis at 127.0.0.1:6379', async () => {
  const client = new Redis({
    ...REDIS,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
});
const binaries = await probeService('redis-server (to start one of our own)', checkRedisBinaries);

describe.skipIf(!redis.available)('Redis store, shared server at 6379', () => {
  let backend: Backend;
  beforeAll(() => {
    backend = redisBackend();
  });
  afterAll(async () => {
    await backend?.cleanup();
  });

  it('storm: several workers, every key runs once, every reply to a key is the same bytes', async () => {
    const figures = await storm(backend, STORM_CI);
    console.log(formatFigures(figures));
    expect(figures.failures).toEqual([]);
  });

  it('crash: a killed owner is taken over after its lease; a paused owner is fenced', async () => {
    const figures = await crash(backend);
    console.log(formatFigures(figures));
    expect(figures.failures).toEqual([]);
  });

  it('slow store: answers stay bounded by storeTimeout, nothing runs twice', async () => {
    const figures = await slow(backend, SLOW_CI);
    console.log(formatFigures(figures));
    expect(figures.failures).toEqual([]);
  });
});

describe.skipIf(!binaries.available)('Redis store, a server of our own', () => {
  it('outage: killed and restarted under load, fails closed, resumes without an app restart', async () => {
    const rig = await redisOutageRig();
    try {
      const figures = await outage(rig.backend, rig.outage, OUTAGE_CI);
      console.log(formatFigures(figures));
      expect(figures.failures).toEqual([]);
    } finally {
      await rig.teardown();
    }
  });
});
