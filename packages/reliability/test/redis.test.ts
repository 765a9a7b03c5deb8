import { probeService } from '@oncely/testing';
import { checkRedisBinaries } from '@oncely/testing/redis-server';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Backend, redisBackend } from '../src/backends.js';
import { redisOutageRig } from '../src/outages.js';
import { pingRedis } from '../src/reachability.js';
import { outageScenario, sharedStoreScenarios } from './scenario-tests.js';

const redis = await probeService('Redis at 127.0.0.1:6379', pingRedis);
const binaries = await probeService('redis-server (to start one of our own)', checkRedisBinaries);

describe.skipIf(!redis.available)('Redis store, shared server at 6379', () => {
  let backend: Backend;
  beforeAll(() => {
    backend = redisBackend();
  });
  afterAll(async () => {
    await backend?.cleanup();
  });

  sharedStoreScenarios(() => backend);
});

describe.skipIf(!binaries.available)('Redis store, a server of our own', () => {
  outageScenario('killed and restarted under load', redisOutageRig);
});
