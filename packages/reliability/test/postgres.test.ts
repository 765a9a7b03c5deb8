import { probeService } from '@oncely/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, POSTGRES_URL, postgresBackend } from '../src/backends.js';
import { formatFigures } from '../src/figures.js';
import { postgresOutageRig } from '../src/outages.js';
import { crash } from '../src/scenarios/crash.js';
import { OUTAGE_CI, outage } from '../src/scenarios/outage.js';
import { SLOW_CI, slow } from '../src/scenarios/slow.js';
import { STORM_CI, storm } from '../src/scenarios/storm.js';

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

  it('outage: connections cut under load, fails closed, resumes without an app restart', async () => {
    const rig = await postgresOutageRig();
    try {
      const figures = await outage(rig.backend, rig.outage, OUTAGE_CI);
      console.log(formatFigures(figures));
      expect(figures.failures).toEqual([]);
    } finally {
      await rig.teardown();
    }
  });
});
