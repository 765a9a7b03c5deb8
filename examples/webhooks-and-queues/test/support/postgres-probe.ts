import { probeService, type ServiceProbe } from '@oncely/testing';
import pg from 'pg';
import { DATABASE_URL } from './consumer-config.js';

export function probePostgres(): Promise<ServiceProbe> {
  return probeService('PostgreSQL at 127.0.0.1:5432 (database test)', async () => {
    const client = new pg.Client({
      connectionString: DATABASE_URL,
      connectionTimeoutMillis: 5_000,
    });
    await client.connect();
    await client.end();
  });
}
