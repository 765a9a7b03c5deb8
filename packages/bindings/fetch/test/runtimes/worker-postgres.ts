import { PostgresStore } from '@oncely/postgres';
import pg from 'pg';
import { scenarioFetch } from './app.js';

interface Env {
  BACKEND: string;
  OPTIONS: string;
  DATABASE_URL: string;
  SCHEMA: string;
}

interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

// A Worker with @oncely/postgres over node-postgres (its `cloudflare:sockets` transport). A
// socket belongs to the request that opened it (workerd refuses I/O on another request's), so
// each request gets its own pool, ended once the response is out, as Cloudflare advises for pg.
export default {
  async fetch(request: Request, env: Env, context: Context): Promise<Response> {
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 });
    const store = new PostgresStore({ pool, schema: env.SCHEMA });
    try {
      return await scenarioFetch(env.BACKEND, JSON.parse(env.OPTIONS), store)(request);
    } finally {
      // Closing a socket ends pg-cloudflare's pending read with "Stream was cancelled", which
      // reaches the pool as an idle client's error: that is the close itself, not a failure.
      pool.on('error', () => {});
      context.waitUntil(pool.end());
    }
  },
};
