import { probeService } from '@oncely/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Backend, postgresBackend } from '../src/backends.js';
import { postgresOutageRig } from '../src/outages.js';
import { connectPostgres } from '../src/reachability.js';
import { outageScenario, sharedStoreScenarios } from './scenario-tests.js';

const postgres = await probeService(
  'PostgreSQL at 127.0.0.1:5432 (database "test")',
  connectPostgres,
);

describe.skipIf(!postgres.available)('PostgreSQL store (a schema of our own)', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await postgresBackend();
  });
  afterAll(async () => {
    await backend?.cleanup();
  });

  sharedStoreScenarios(() => backend);
  outageScenario('connections cut under load', postgresOutageRig);
});
