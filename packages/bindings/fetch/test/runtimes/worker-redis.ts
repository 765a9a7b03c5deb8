import { RedisStore } from '@oncely/redis';
import { Redis } from 'ioredis';
import { scenarioFetch } from './app.js';

interface Env {
  BACKEND: string;
  OPTIONS: string;
  REDIS_URL: string;
  PREFIX: string;
}

interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

// A Worker with @oncely/redis over ioredis (node:net under nodejs_compat). A socket belongs to
// the request that opened it (workerd refuses I/O on another request's), so each request gets
// its own client, closed once the response is out.
export default {
  async fetch(request: Request, env: Env, context: Context): Promise<Response> {
    const client = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    const store = new RedisStore({ client, prefix: env.PREFIX });
    try {
      return await scenarioFetch(env.BACKEND, JSON.parse(env.OPTIONS), store)(request);
    } finally {
      context.waitUntil(client.quit());
    }
  },
};
