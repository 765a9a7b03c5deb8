import { probeService } from '@oncely/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Backend, POSTGRES_URL, postgresBackend } from '../src/backends.js';
import { postgresOutageRig } from '../src/outages.js';
import { outageScenario, sharedStoreScenarios } from './scenario-tests.js';

const postgres = await probeService('PostgreSQL at 127.0.0.1:5432 (database "test")', async () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  await client.end();
});

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
